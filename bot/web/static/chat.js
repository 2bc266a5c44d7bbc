/*
 * Widget de conversation de la page citoyenne. Sans dépendance.
 *
 * - Parle au serveur de la page (même origine) : POST /api/chat, GET /api/history, GET /api/status.
 * - Tout texte (du bot comme de l'usager) est inséré avec textContent, jamais comme HTML ;
 *   seuls les liens http(s) deviennent des liens.
 * - Une réponse sur un événement (message.calendar : {href, title}) propose « Ajouter à mon agenda ».
 * - Une citation du dossier de presse (message.quote : {text, section}) s'affiche en citation du
 *   DSFR (figure.fr-quote, la section en <cite>) à la place de « … » dans le texte du message.
 * - L'identifiant de conversation est gardé dans sessionStorage : un rechargement de la page
 *   retrouve la conversation, la fermeture de l'onglet l'oublie.
 * - Clavier : ouvrir (bouton), écrire, Entrée envoie, Tab atteint les choix proposés,
 *   Échap ferme et rend le focus au bouton qui a ouvert l'assistant.
 */
(function () {
  "use strict";

  var SENDER_KEY = "mois-innovation.sender";
  var OPEN_KEY = "mois-innovation.open";
  var REQUEST_TIMEOUT_MS = 35000;
  var UNAVAILABLE = "Assistant momentanément indisponible. Votre message n'a pas pu être transmis.";
  var URL_PATTERN = /\[([^\]\n]{1,300})\]\(([^)\s]{1,2000})\)|\bhttps?:\/\/[^\s<>"]+/gi;

  var root, panel, log, form, input, statusLine, alertBox, launcher;
  var opener = null;
  var historyLoaded = false;
  var queue = Promise.resolve();
  var failed = [];  // messages à renvoyer : [{message, node}]

  function storage() {
    try { return window.sessionStorage; } catch (e) { return null; }
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function existingSender() {
    var store = storage();
    var value = store && store.getItem(SENDER_KEY);
    return value && /^[A-Za-z0-9_-]{16,64}$/.test(value) ? value : null;
  }

  function sender() {
    var value = existingSender();
    if (!value) {
      value = randomId();
      var store = storage();
      if (store) { store.setItem(SENDER_KEY, value); }
    }
    return value;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* Liens : seulement http: et https:, vérifiés par le parseur d'URL du navigateur. */
  function safeHref(raw) {
    try {
      var url = new URL(raw);
      return (url.protocol === "http:" || url.protocol === "https:") ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(label, href) {
    var a = el("a", "fr-link", label);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    a.appendChild(el("span", "fr-sr-only", " (nouvelle fenêtre)"));
    return a;
  }

  /* Ajoute une ligne de texte à parent : texte brut, liens [libellé](url) et adresses http(s). */
  function appendInline(parent, line) {
    var last = 0;
    URL_PATTERN.lastIndex = 0;
    var match;
    while ((match = URL_PATTERN.exec(line)) !== null) {
      var label = match[1], raw = match[1] ? match[2] : match[0], trailing = "";
      if (!match[1]) {
        var cut = raw.match(/[.,;:!?)\]»]+$/);
        if (cut) { trailing = cut[0]; raw = raw.slice(0, -trailing.length); }
      }
      parent.appendChild(document.createTextNode(line.slice(last, match.index)));
      var href = safeHref(raw);
      if (href) {
        parent.appendChild(link(label || raw, href));
      } else {
        parent.appendChild(document.createTextNode(label || raw));
      }
      if (trailing) { parent.appendChild(document.createTextNode(trailing)); }
      last = match.index + match[0].length;
    }
    parent.appendChild(document.createTextNode(line.slice(last)));
  }

  /* Texte du bot : lignes en paragraphes, lignes « - » ou « • » en liste à puces. */
  function renderText(container, text, prefix) {
    var list = null;
    var first = true;
    text.split("\n").forEach(function (raw) {
      var line = raw.replace(/\s+$/, "");
      if (!line.trim()) { list = null; return; }
      var bullet = /^\s*[-•*]\s+(.*)$/.exec(line);
      var target;
      if (bullet) {
        if (!list) { list = el("ul", "chat__list"); container.appendChild(list); }
        target = el("li");
        list.appendChild(target);
        line = bullet[1];
      } else {
        list = null;
        target = el("p");
        container.appendChild(target);
      }
      if (first && prefix) { target.appendChild(el("span", "fr-sr-only", prefix)); }
      first = false;
      appendInline(target, line);
    });
    if (first && prefix) { container.appendChild(el("span", "fr-sr-only", prefix)); }
  }

  function scrollToEnd() {
    log.scrollTop = log.scrollHeight;
  }

  /* before : nœud devant lequel insérer (historique rechargé), sinon à la fin. */
  function place(node, before) {
    log.insertBefore(node, before || null);
    if (!before) { scrollToEnd(); }
  }

  function appendUser(text, before) {
    var node = el("div", "chat__msg chat__msg--user");
    var p = el("p");
    p.appendChild(el("span", "fr-sr-only", "Vous : "));
    p.appendChild(document.createTextNode(text));
    node.appendChild(p);
    place(node, before);
    return node;
  }

  /* Citation du dossier de presse, mot pour mot : composant Citation du DSFR. */
  function quoteFigure(quote) {
    var figure = el("figure", "fr-quote chat__quote");
    var block = el("blockquote");
    var lines = quote.text.split("\n").filter(function (line) { return line.trim(); });
    lines.forEach(function (line, i) {
      block.appendChild(el("p", "", (i === 0 ? "« " : "") + line + (i === lines.length - 1 ? " »" : "")));
    });
    figure.appendChild(block);
    var caption = el("figcaption");
    caption.appendChild(el("p", "fr-quote__author", "Dossier de presse"));
    if (quote.section) {
      var sources = el("ul", "fr-quote__source");
      var item = el("li");
      item.appendChild(el("cite", "", quote.section));
      sources.appendChild(item);
      caption.appendChild(sources);
    }
    figure.appendChild(caption);
    return figure;
  }

  /* « Ajouter à mon agenda » : le fichier iCalendar de l'événement, servi par cette page. */
  var CALENDAR_HREF = /^\/evenements\/[a-z0-9]+(?:-[a-z0-9]+)*\.ics$/;
  function calendarLink(calendar) {
    if (typeof calendar.href !== "string" || !CALENDAR_HREF.test(calendar.href)) { return null; }
    var p = el("p", "chat__calendar");
    var a = el("a", "fr-link fr-icon-calendar-line fr-link--icon-left", "Ajouter à mon agenda");
    a.href = calendar.href;
    a.setAttribute("download", "");
    a.appendChild(el("span", "fr-sr-only", " : " + (calendar.title || "") + " (fichier .ics)"));
    p.appendChild(a);
    return p;
  }

  function appendBot(message, before) {
    var node = el("div", "chat__msg chat__msg--bot");
    var text = message.text || "";
    var quote = message.quote && typeof message.quote.text === "string" && message.quote.text.trim() ? message.quote : null;
    if (quote) {
      // Le texte contient la citation entre « » : elle y est remplacée par la figure.
      var marked = "« " + quote.text + " »";
      var at = text.indexOf(marked);
      renderText(node, at < 0 ? text : text.slice(0, at), "L'assistant : ");
      node.appendChild(quoteFigure(quote));
      if (at >= 0) { renderText(node, text.slice(at + marked.length)); }
    } else {
      renderText(node, text, "L'assistant : ");
    }
    var calendar = message.calendar ? calendarLink(message.calendar) : null;
    if (calendar) { node.appendChild(calendar); }
    if (message.image) {
      var href = safeHref(message.image);
      if (href) { var p = el("p"); p.appendChild(link("Voir l'image", href)); node.appendChild(p); }
    }
    if (message.buttons && message.buttons.length) {
      var choices = el("ul", "chat__choices");
      choices.setAttribute("aria-label", "Choix proposés");
      message.buttons.forEach(function (button) {
        var item = el("li");
        var b = el("button", "fr-btn fr-btn--secondary fr-btn--sm chat__choice", button.title);
        b.type = "button";
        b.addEventListener("click", function () { send(button.payload, button.title); });
        item.appendChild(b);
        choices.appendChild(item);
      });
      node.appendChild(choices);
    }
    place(node, before);
    return node;
  }

  function setStatus(text) {
    statusLine.textContent = text;
  }

  function clearAlert() {
    while (alertBox.firstChild) { alertBox.removeChild(alertBox.firstChild); }
  }

  function showAlert(text, canRetry) {
    clearAlert();
    var box = el("div", "fr-alert fr-alert--error fr-alert--sm");
    box.appendChild(el("p", "", text));
    if (canRetry) {
      var retry = el("button", "fr-btn fr-btn--sm fr-btn--secondary fr-mt-1w chat__retry", "Réessayer");
      retry.type = "button";
      retry.addEventListener("click", retryAll);
      box.appendChild(retry);
    }
    alertBox.appendChild(box);
  }

  function request(method, url, body) {
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    var options = { method: method, credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (controller) { options.signal = controller.signal; }
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    return window.fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, ok: response.ok, data: data || {} };
      });
    }).finally(function () { if (timer) { window.clearTimeout(timer); } });
  }

  function markFailed(node, failedNow) {
    node.classList.toggle("chat__msg--failed", failedNow);
    var note = node.querySelector(".chat__failed-note");
    if (failedNow && !note) {
      node.appendChild(el("p", "chat__failed-note", "Non transmis"));
    } else if (!failedNow && note) {
      node.removeChild(note);
    }
  }

  function deliver(message, node) {
    setStatus("L'assistant rédige sa réponse…");
    return request("POST", "/api/chat", { sender: sender(), message: message }).then(function (result) {
      if (result.status >= 500) { throw new Error("indisponible"); }
      markFailed(node, false);
      if (!result.ok) {
        showAlert(result.data.detail || "Message refusé par le serveur.", false);
        return;
      }
      clearAlert();
      var messages = Array.isArray(result.data.messages) ? result.data.messages : [];
      if (!messages.length) {
        messages = [{ text: "Je n'ai pas de réponse à cette question. Pouvez-vous la reformuler ?" }];
      }
      messages.forEach(function (m) { appendBot(m); });
    }).catch(function () {
      markFailed(node, true);
      failed.push({ message: message, node: node });
      showAlert(UNAVAILABLE, true);
    }).then(function () {
      node.classList.remove("chat__msg--pending");
      setStatus("");
    });
  }

  /* Les messages partent un par un, dans l'ordre : Rasa traite une conversation en séquence. */
  function send(message, shown) {
    var node = appendUser(shown || message);
    node.classList.add("chat__msg--pending");  // pas encore dans le tracker de Rasa
    queue = queue.then(function () { return deliver(message, node); });
    return queue;
  }

  function retryAll() {
    clearAlert();
    input.focus();
    var pending = failed;
    failed = [];
    if (!pending.length) {
      queue = queue.then(historyLoaded ? checkStatus : loadHistory);
      return;
    }
    pending.forEach(function (item) {
      queue = queue.then(function () { return deliver(item.message, item.node); });
    });
  }

  function checkStatus() {
    return request("GET", "/api/status").then(function (result) {
      if (!result.ok || !result.data.available) { throw new Error("indisponible"); }
    }).catch(function () {
      showAlert("Assistant momentanément indisponible.", true);
    });
  }

  function loadHistory() {
    var known = existingSender();
    if (!known) { historyLoaded = true; return checkStatus(); }
    setStatus("Chargement de la conversation…");
    return request("GET", "/api/history?sender=" + encodeURIComponent(known)).then(function (result) {
      if (result.status >= 500) { throw new Error("indisponible"); }
      historyLoaded = true;
      // La conversation reprise n'est pas relue en entier par les lecteurs d'écran.
      // Remplace ce qui est affiché, sauf les messages que Rasa n'a pas encore reçus.
      log.setAttribute("aria-live", "off");
      log.querySelectorAll(".chat__msg:not(.chat__msg--welcome):not(.chat__msg--pending):not(.chat__msg--failed)")
        .forEach(function (node) { log.removeChild(node); });
      var anchor = log.querySelector(".chat__msg--pending, .chat__msg--failed");
      (result.data.messages || []).forEach(function (m) {
        if (m.from === "user") { appendUser(m.text || "", anchor); } else { appendBot(m, anchor); }
      });
      scrollToEnd();
      window.setTimeout(function () { log.setAttribute("aria-live", "polite"); }, 500);
    }).catch(function () {
      showAlert("Assistant momentanément indisponible : la conversation n'a pas pu être rechargée.", true);
    }).then(function () { setStatus(""); });
  }

  function isOpen() {
    return !panel.hidden;
  }

  function open(focusInput) {
    if (!isOpen()) {
      panel.hidden = false;
      root.classList.add("chat--open");
      document.querySelectorAll("[data-chat-open]").forEach(function (b) { b.setAttribute("aria-expanded", "true"); });
      var store = storage();
      if (store) { store.setItem(OPEN_KEY, "1"); }
      if (!historyLoaded) { queue = queue.then(loadHistory); }
    }
    scrollToEnd();
    if (focusInput) { input.focus(); }
  }

  function close() {
    if (!isOpen()) { return; }
    panel.hidden = true;
    root.classList.remove("chat--open");
    document.querySelectorAll("[data-chat-open]").forEach(function (b) { b.setAttribute("aria-expanded", "false"); });
    var store = storage();
    if (store) { store.removeItem(OPEN_KEY); }
    var target = opener && document.body.contains(opener) && opener.offsetParent !== null ? opener : launcher;
    opener = null;
    target.focus();
  }

  function init() {
    root = document.getElementById("chat");
    if (!root) { return; }
    panel = document.getElementById("chat-dialog");
    log = document.getElementById("chat-log");
    form = document.getElementById("chat-form");
    input = document.getElementById("chat-input");
    statusLine = document.getElementById("chat-status");
    alertBox = document.getElementById("chat-alert");
    launcher = document.getElementById("chat-launcher");
    var maxChars = parseInt(root.getAttribute("data-max-chars"), 10) || 500;

    document.querySelectorAll("[data-chat-open]").forEach(function (button) {
      button.addEventListener("click", function () {
        if (isOpen() && button === launcher) { close(); return; }
        opener = button;
        open(true);
      });
    });
    document.getElementById("chat-close").addEventListener("click", close);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" || event.key === "Esc") {
        event.preventDefault();
        close();
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text) {
        showAlert("Écrivez votre question avant d'envoyer.", false);
        input.focus();
        return;
      }
      if (text.length > maxChars) {
        showAlert("Votre question dépasse " + maxChars + " caractères.", false);
        return;
      }
      clearAlert();
      input.value = "";
      send(text);
    });

    var store = storage();
    if (store && store.getItem(OPEN_KEY) === "1") { open(false); }
    root.classList.add("chat--ready");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
}());
