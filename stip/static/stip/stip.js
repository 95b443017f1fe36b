// Stip's few lines of behaviour; everything else is server-rendered with htmx.
document.addEventListener("click", (event) => {
  // Org chart: the first click loads a level (htmx); later clicks fold and unfold it.
  const toggle = event.target.closest(".org-toggle");
  if (!toggle) return;
  const item = toggle.closest("li");
  const group = document.getElementById(toggle.getAttribute("aria-controls"));
  if (!item || !group) return;
  const open = item.getAttribute("aria-expanded") === "true";
  if (group.childElementCount === 0) {
    item.setAttribute("aria-expanded", "true");
    return;
  }
  item.setAttribute("aria-expanded", open ? "false" : "true");
  group.hidden = open;
});
