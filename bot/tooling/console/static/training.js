// Console du lab : avancement de l'entraînement en direct (événements envoyés par le serveur,
// GET /entrainement/flux). Sans JavaScript, la page affiche l'état au chargement et un lien pour l'actualiser.
"use strict";
(() => {
  const root = document.getElementById("suivi");
  if (!root || root.dataset.etat !== "en cours" || !("EventSource" in window)) {
    return;
  }
  const BADGES = {
    "en attente": "",
    "en cours": " fr-badge--info",
    "terminé": " fr-badge--success",
    "échec": " fr-badge--error",
  };
  const announce = document.getElementById("annonce");
  let announced = announce.textContent.trim();

  // Only a change of stage or the end is read out by screen readers; the clock is not.
  function say(text) {
    if (text !== announced) {
      announced = text;
      announce.textContent = text;
    }
  }

  function showStage(stage) {
    const item = document.getElementById(`etape-${stage.key}`);
    if (!item) {
      return;
    }
    const badge = item.querySelector(".fr-badge");
    badge.className = `fr-badge fr-badge--sm${BADGES[stage.status] || ""}`;
    badge.textContent = stage.status;
    item.querySelector(".training-stage__duration").textContent = stage.duration;
  }

  function showLines(lines) {
    const list = document.getElementById("detail");
    list.replaceChildren(...lines.map((line) => {
      const item = document.createElement("li");
      item.textContent = line;
      return item;
    }));
  }

  function update(progress) {
    if (progress.state === "aucun") {
      return;
    }
    root.dataset.etat = progress.state;
    document.getElementById("ecoule").textContent = progress.elapsed_text;
    progress.stages.forEach(showStage);
    showLines(progress.lines);
    const current = progress.stages.find((stage) => stage.status === "en cours");
    if (progress.state === "terminé") {
      document.getElementById("resultat").hidden = false;
      say(`Entraînement terminé en ${progress.elapsed_text} : le modèle candidat a passé les tests.`);
    } else if (progress.state === "échec") {
      document.getElementById("erreur-texte").textContent = progress.error;
      document.getElementById("erreur").hidden = false;
      say("L'entraînement a échoué : le bot en service n'a pas été modifié.");
    } else if (current) {
      say(`Étape en cours : ${current.label}.`);
    }
  }

  const source = new EventSource(root.dataset.flux);
  source.addEventListener("progression", (event) => update(JSON.parse(event.data)));
  source.addEventListener("fin", () => source.close());
})();
