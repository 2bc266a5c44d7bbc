// Éditeur du catalogue : après un enregistrement refusé, le focus va sur le récapitulatif des erreurs,
// pour qu'un lecteur d'écran l'annonce d'abord ; chaque erreur y est un lien vers son champ.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const summary = document.getElementById("erreurs");
  if (summary) {
    summary.focus();
  }
});
