// Main menu disclosure (the <details id="site-menu"> in base.html).
//
// Without this script the menu is a closed <details>: the "Valikko" summary opens it, on every
// screen size. With it, the menu is open on wide screens (where the stylesheet hides the
// summary) and closed on narrow ones, also when the window is resized across the breakpoint.
// It is a classic script placed right after the menu, so it runs before the first paint and
// the header does not jump (no layout shift).
(function () {
  var menu = document.getElementById("site-menu");
  if (!menu || !window.matchMedia) return;
  // Keep in step with the breakpoint in style.css (48rem).
  var wide = window.matchMedia("(min-width: 48rem)");
  var sync = function () {
    menu.open = wide.matches;
  };
  sync();
  if (wide.addEventListener) wide.addEventListener("change", sync);
})();
