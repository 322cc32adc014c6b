// kumppani preview server: reloads the page when the site was rebuilt, keeping the scroll
// position. Served only by `kumppani serve`, never written into the published site.
(function () {
  "use strict";
  var key = "kumppani-scroll:" + location.pathname;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    var restore = function () { window.scrollTo(0, Number(saved)); };
    if (document.readyState === "complete") { restore(); } else { window.addEventListener("load", restore); }
  }
  var script = document.currentScript;
  var eventsUrl = (script && script.src ? script.src : location.origin + "/__kumppani/livereload.js")
    .replace(/livereload\.js(\?.*)?$/, "events");
  var firstBuild = null;
  var reload = function () {
    sessionStorage.setItem(key, String(window.scrollY));
    location.reload();
  };
  var delay = 1000;
  var connect = function () {
    var source = new EventSource(eventsUrl);
    // `hello` comes on every (re)connection with the build id: a different id means a rebuild
    // (or a restarted server) happened while the connection was down.
    source.addEventListener("hello", function (e) {
      delay = 1000;
      if (firstBuild === null) { firstBuild = e.data; } else if (e.data !== firstBuild) { reload(); }
    });
    source.addEventListener("reload", reload);
    // A dropped stream is reconnected by EventSource itself, but a refused one (503 when too
    // many tabs are open) is given up: try again after a delay, longer each time.
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        window.setTimeout(connect, delay);
        delay = Math.min(delay * 2, 30000);
      }
    });
  };
  connect();
})();
