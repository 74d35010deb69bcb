/* The Keep Safe Card. Everything stays in this browser: nothing here talks to the server.
   The card is kept in localStorage ("safeplaces.card") only while "Remember my card on this
   phone" is ticked. Without this script the panel says the card needs scripts. */
(function () {
  "use strict";

  var KEY = "safeplaces.card";
  var FIELDS = {
    name: "card-name",
    contactName: "card-contact-name",
    contactPhone: "card-contact-phone",
    contactPhone2: "card-contact-phone2",
    notes: "card-notes"
  };
  var MAX_LENGTH = 500;

  var panel = document.getElementById("keep-safe-card");
  if (!panel) { return; }
  function find(selector) { return panel.querySelector(selector); }

  var form = find("[data-card-form]");
  var inputs = {};
  Object.keys(FIELDS).forEach(function (key) { inputs[key] = document.getElementById(FIELDS[key]); });
  var remember = document.getElementById("card-remember");
  var showButton = find("[data-card-show]");
  var forgetButton = find("[data-card-forget]");
  var printButton = find("[data-card-print]");
  var smsItem = find("[data-card-sms-item]");
  var smsLink = find("a[data-card-sms]");
  var smsText = find("[data-card-sms-text]");
  var status = find("[data-card-status]");
  var dialog = document.getElementById("card-full");
  var closeButton = dialog && dialog.querySelector("[data-card-close]");
  var printCard = find("[data-card-print-card]");
  if (!form || !remember || !showButton || !forgetButton || !status || !dialog || !closeButton) { return; }

  // ---- Reading the card and its phone numbers ----

  function read() {
    var card = {};
    Object.keys(inputs).forEach(function (key) { card[key] = inputs[key] ? inputs[key].value.trim() : ""; });
    return card;
  }

  function isEmpty(card) {
    return Object.keys(card).every(function (key) { return !card[key]; });
  }

  // The number in E.164, as the place pages' links have it: "07700 900 123", "0044 7700
  // 900123" and "+44 (0)7700-900123" all give "+447700900123"; a short number ("101") stays
  // as it is. Only digits (and a leading +) ever reach a tel: or sms: link, and an
  // extension ("ext 12") is never run on to the number's digits. Too few digits is not one.
  var EXTENSION = /(?:;\s*ext=|\b(?:ext\.?|extension|x)\s*)([0-9]{1,7})\s*$/i;
  function dialable(text) {
    var t = String(text || "").trim().replace(EXTENSION, "").replace(/\(0\)/g, "");
    var digits = t.replace(/\D/g, "");
    if (digits.length < 3) { return ""; }
    if (t.charAt(0) === "+") { return "+" + digits; }
    if (digits.slice(0, 2) === "00") { return "+" + digits.slice(2); }
    if (digits.charAt(0) === "0" && digits.length >= 10) { return "+44" + digits.slice(1); }
    return digits;
  }

  // An RFC 3966 tel: link: the number, and its extension if one was typed.
  function telOf(text) {
    var number = dialable(text);
    var ext = String(text || "").trim().match(EXTENSION);
    return number ? "tel:" + number + (ext ? ";ext=" + ext[1] : "") : "";
  }

  // ---- Keeping it on this phone (only when asked) ----

  function storage() {
    try { return window.localStorage || null; } catch (e) { return null; }
  }

  function loadStored() {
    var s = storage();
    if (!s) { return null; }
    try {
      var data = JSON.parse(s.getItem(KEY) || "null");
      if (!data || typeof data !== "object") { return null; }
      var card = {};
      Object.keys(FIELDS).forEach(function (key) {
        card[key] = typeof data[key] === "string" ? data[key].slice(0, MAX_LENGTH) : "";
      });
      return card;
    } catch (e) {
      return null;
    }
  }

  function saveStored() {
    var s = storage();
    if (!s) { return false; }
    try { s.setItem(KEY, JSON.stringify(read())); return true; } catch (e) { return false; }
  }

  function removeStored() {
    var s = storage();
    if (!s) { return; }
    try { s.removeItem(KEY); } catch (e) { /* nothing kept, nothing to remove */ }
  }

  // ---- Messages ----

  function say(message) {
    // The same words again are still read out: change the text a little.
    if (message && status.textContent === message) { message += "\u00a0"; }
    status.textContent = message;
  }

  var COULD_NOT_KEEP = "This phone would not let us keep your card. Your card goes when you leave this page.";

  // ---- The text message to the contact ----

  function smsMessage() {
    var name = (panel.getAttribute("data-place-name") || "").trim();
    var address = (panel.getAttribute("data-place-address") || "").trim();
    if (name) {
      return "I need help. Please phone me. I am near " + name +
        (address ? ", " + address : "") + ".";
    }
    return "I need help. Please phone me.";
  }

  // ---- Keeping the page in step with what is typed ----

  function fillText(selector, root, text) {
    var el = root.querySelector(selector);
    if (el) { el.textContent = text; }
    return el;
  }

  function update() {
    var card = read();
    var number = dialable(card.contactPhone);
    if (smsLink && smsItem) {
      if (number) {
        var message = smsMessage();
        smsLink.setAttribute("href", "sms:" + number + "?&body=" + encodeURIComponent(message));
        if (smsText) { smsText.textContent = "\u201c" + message + "\u201d"; }
        smsItem.hidden = false;
      } else {
        smsLink.removeAttribute("href");
        smsItem.hidden = true;
      }
    }
    if (printCard) {
      ["name", "contactName", "contactPhone", "contactPhone2"].forEach(function (key) {
        fillText('[data-card-print-out="' + key + '"]', printCard, card[key]);
      });
    }
    return card;
  }

  function fillDialog(card) {
    function wrap(name, visible) {
      var el = dialog.querySelector('[data-card-out-wrap="' + name + '"]');
      if (el) { el.hidden = !visible; }
    }
    fillText('[data-card-out="name"]', dialog, card.name);
    wrap("name", !!card.name);

    var who = fillText('[data-card-out="contactName"]', dialog, card.contactName);
    if (who) { who.hidden = !card.contactName; }
    var list = dialog.querySelector("[data-card-out-tels]");
    var count = 0;
    if (list) {
      while (list.firstChild) { list.removeChild(list.firstChild); }
      [card.contactPhone, card.contactPhone2].forEach(function (typed) {
        var tel = telOf(typed);
        if (!tel) { return; }
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.className = "sp-card-tel";
        link.setAttribute("href", tel);
        var word = document.createElement("span");
        word.className = "sp-card-tel-word";
        word.textContent = "Phone ";
        link.appendChild(word);
        link.appendChild(document.createTextNode(typed));
        item.appendChild(link);
        list.appendChild(item);
        count += 1;
      });
      list.hidden = count === 0;
    }
    wrap("contact", !!card.contactName || count > 0);

    fillText('[data-card-out="notes"]', dialog, card.notes);
    wrap("notes", !!card.notes);
  }

  // ---- The full-screen card ----

  var native = typeof dialog.showModal === "function";

  function openDialog() {
    if (native) {
      dialog.showModal();
    } else {
      // Very old browsers: show it over the page and put the focus on Close.
      dialog.classList.add("sp-card-full-fallback");
      dialog.setAttribute("open", "");
    }
    closeButton.focus();
  }

  function closeDialog() {
    if (native) {
      dialog.close();
    } else {
      dialog.removeAttribute("open");
      dialog.classList.remove("sp-card-full-fallback");
      showButton.focus();
    }
  }

  // Escape closes a native dialog by itself; then "close" puts the focus back.
  dialog.addEventListener("close", function () { showButton.focus(); });
  if (!native) {
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && dialog.hasAttribute("open")) { closeDialog(); }
    });
  }
  closeButton.addEventListener("click", closeDialog);

  showButton.addEventListener("click", function () {
    var card = update();
    if (isEmpty(card)) {
      say("Your card is empty. First type your name, and the name and phone number of the person to call.");
      // The message is by the form: take the person to the first box to fill in.
      var first = find("#card-name");
      if (first) { first.focus(); }
      return;
    }
    say("");
    fillDialog(card);
    openDialog();
  });

  // ---- The form: it never submits, and keeps the stored copy up to date ----

  form.addEventListener("submit", function (event) { event.preventDefault(); });

  form.addEventListener("input", function (event) {
    if (event.target === remember) { return; }
    update();
    if (remember.checked && !saveStored()) {
      remember.checked = false;
      say(COULD_NOT_KEEP);
    }
  });

  remember.addEventListener("change", function () {
    if (remember.checked) {
      if (saveStored()) {
        say("Your card will be kept on this phone.");
      } else {
        remember.checked = false;
        say(COULD_NOT_KEEP);
      }
    } else {
      removeStored();
      say("Your card is not kept on this phone any more. It goes when you leave this page.");
    }
  });

  forgetButton.addEventListener("click", function () {
    removeStored();
    form.reset();
    Object.keys(inputs).forEach(function (key) { if (inputs[key]) { inputs[key].value = ""; } });
    remember.checked = false;
    update();
    say("Your card has been forgotten. It is not on this phone any more.");
  });

  if (printButton) {
    printButton.addEventListener("click", function () {
      update();
      window.print();
    });
  }

  // ---- Start ----

  var stored = loadStored();
  if (stored) {
    Object.keys(stored).forEach(function (key) { if (inputs[key]) { inputs[key].value = stored[key]; } });
    remember.checked = true;
  } else {
    remember.checked = false;
  }

  // Printing the page prints only the wallet card: it sits at the top of the page for print.
  if (printCard) {
    document.body.appendChild(printCard);
    document.documentElement.classList.add("sp-card-printable");
  }

  update();
  var nojs = find("[data-card-nojs]");
  if (nojs) { nojs.hidden = true; }
  var body = find("[data-card-body]");
  if (body) { body.hidden = false; }
})();
