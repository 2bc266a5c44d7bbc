// Console du lab : scripts partagés. Une confirmation avant les actions marquées data-confirm
// (publier, revenir au modèle précédent, revenir à une version du catalogue).
"use strict";
document.addEventListener("submit", (event) => {
  const form = event.target;
  const question = form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
