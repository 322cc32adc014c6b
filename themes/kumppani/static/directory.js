// Instant filtering of the organisation directory page (progressive enhancement).
//
// The server-rendered page already lists every organisation grouped by category, and links to
// the per-category, per-area and volunteers-wanted pages, so everything works without this
// script. With it, the filter form (hidden until the script runs) narrows the list in place,
// keeps the state in the URL query (?ryhma=…&alue=…&vapaaehtoisia=1) so a filtered view can
// be bookmarked and shared, and announces the number of results in an aria-live region.

const form = document.getElementById("directory-filter");
if (form) {
  enhance(form);
}

function enhance(form) {
  const list = document.getElementById("directory-groups");
  const count = document.getElementById("directory-count");
  const empty = document.getElementById("directory-empty");
  const category = form.elements.namedItem("ryhma");
  const area = form.elements.namedItem("alue");
  const volunteers = form.elements.namedItem("vapaaehtoisia");
  const cards = Array.from(list.querySelectorAll(".org-card"));
  const groups = Array.from(list.querySelectorAll(".directory-group"));

  const readUrl = () => {
    const params = new URLSearchParams(window.location.search);
    choose(category, params.get("ryhma"));
    choose(area, params.get("alue"));
    volunteers.checked = params.get("vapaaehtoisia") === "1";
  };

  const apply = (updateUrl) => {
    const c = category.value;
    const a = area.value;
    const v = volunteers.checked;
    let shown = 0;
    for (const card of cards) {
      const match =
        (!c || card.dataset.category === c) &&
        (!a || card.dataset.areas.split(" ").includes(a)) &&
        (!v || card.dataset.volunteers === "true");
      card.hidden = !match;
      if (match) shown += 1;
    }
    for (const group of groups) {
      const visible = group.querySelectorAll(".org-card:not([hidden])").length;
      group.hidden = visible === 0;
      const badge = group.querySelector("[data-group-count]");
      if (badge) badge.textContent = String(visible);
    }
    empty.hidden = shown !== 0;
    const template = shown === 1 ? form.dataset.countOne : form.dataset.countOther;
    count.textContent = template.replace("{n}", String(shown));
    if (updateUrl) {
      const params = new URLSearchParams(window.location.search);
      setParam(params, "ryhma", c);
      setParam(params, "alue", a);
      setParam(params, "vapaaehtoisia", v ? "1" : "");
      const query = params.toString();
      const url = window.location.pathname + (query ? "?" + query : "") + window.location.hash;
      window.history.replaceState(null, "", url);
    }
  };

  readUrl();
  form.hidden = false;
  apply(false);
  // A bookmarked or shared filtered view shows its filters: the "Rajaa hakua" disclosure
  // is opened when the URL narrows the list.
  const disclosure = document.getElementById("directory-filters");
  if (disclosure && (category.value || area.value || volunteers.checked)) disclosure.open = true;
  form.addEventListener("change", () => apply(true));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    apply(true);
  });
  // The reset event fires before the fields are cleared.
  form.addEventListener("reset", () => window.setTimeout(() => apply(true), 0));
  window.addEventListener("popstate", () => {
    readUrl();
    apply(false);
  });
}

// Selects `value` when the select has such an option; unknown values from a URL are ignored.
function choose(select, value) {
  const known = Array.from(select.options).some((o) => o.value === value);
  select.value = known ? value : "";
}

function setParam(params, name, value) {
  if (value) {
    params.set(name, value);
  } else {
    params.delete(name);
  }
}
