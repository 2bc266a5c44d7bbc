// Console du lab : marquer une entité en sélectionnant un passage du message.
// Le champ « Exemple annoté » reste la seule donnée envoyée : ce script l'écrit dans la syntaxe de
// Rasa, [texte](entite), celle que l'on tape à la main sans JavaScript.
"use strict";
(() => {
  const message = document.querySelector("[data-message]");
  const example = document.getElementById("exemple");
  const tools = document.getElementById("outils-entites");
  if (!message || !example || !tools) {
    return;
  }
  const type = document.getElementById("type-entite");
  const announce = document.getElementById("annonce-entites");
  // [surface](entite) or [surface]{"entity": …, "value": …}, as the server reads them.
  const ANNOTATION = /\[([^[\]]*)\](\([^()]*\)|\{[^{}]*\})/g;

  function parse(annotated) {
    const spans = [];
    let plain = "";
    let cursor = 0;
    for (const found of annotated.matchAll(ANNOTATION)) {
      plain += annotated.slice(cursor, found.index);
      spans.push({ start: plain.length, end: plain.length + found[1].length, markup: found[2] });
      plain += found[1];
      cursor = found.index + found[0].length;
    }
    return { plain: plain + annotated.slice(cursor), spans };
  }

  function serialize(text, spans) {
    let out = "";
    let cursor = 0;
    for (const span of [...spans].sort((a, b) => a.start - b.start)) {
      out += text.slice(cursor, span.start) + "[" + text.slice(span.start, span.end) + "]" + span.markup;
      cursor = span.end;
    }
    return out + text.slice(cursor);
  }

  function say(text) {
    announce.textContent = text;
  }

  function selection() {
    let start = message.selectionStart;
    let end = message.selectionEnd;
    const text = message.value;
    while (start < end && /\s/.test(text[start])) start += 1;
    while (end > start && /\s/.test(text[end - 1])) end -= 1;
    return { start, end };
  }

  function mark() {
    const { start, end } = selection();
    if (start === end) {
      say("Sélectionnez d'abord un passage du message, puis choisissez son type.");
      message.focus();
      return;
    }
    const current = parse(example.value);
    if (current.plain !== message.value) {
      say("L'exemple annoté ne correspond plus au message : corrigez-le, ou retirez toutes les entités.");
      return;
    }
    if (current.spans.some((span) => start < span.end && span.start < end)) {
      say("Ce passage chevauche une entité déjà marquée : retirez les entités pour recommencer.");
      return;
    }
    current.spans.push({ start, end, markup: "(" + type.value + ")" });
    example.value = serialize(message.value, current.spans);
    say("« " + message.value.slice(start, end) + " » marqué comme " + type.value + ".");
  }

  function clear() {
    example.value = message.value;
    say("Toutes les entités ont été retirées.");
  }

  // A readonly field has no caret in every browser: with this script the message stays an editable field
  // (Maj + flèches select in it) whose text no key, paste or drop can change.
  const original = message.value;
  message.readOnly = false;
  message.setAttribute("aria-readonly", "true");
  message.addEventListener("beforeinput", (event) => event.preventDefault());
  message.addEventListener("input", () => {
    message.value = original;
  });
  document.getElementById("marquer-entite").addEventListener("click", mark);
  document.getElementById("effacer-entites").addEventListener("click", clear);
  tools.hidden = false;
})();
