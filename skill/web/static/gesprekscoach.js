/* Gesprekscoach in de browser: typ of spreek, lees het antwoord en de kaart, en hoor het voorgelezen.
   No framework, nothing from elsewhere, no inline script (the page's CSP forbids it).

   Hooks for tests and add-ons, as events on window:
     "gesprekscoach:spreek"   detail {text, rate, lang, voice, pauseMs}: each piece handed to speechSynthesis
     "gesprekscoach:antwoord" detail: the JSON answer of POST /api/turn, once it is shown */
(function () {
  "use strict";

  var MESSAGES = {
    noRecognition: "Spraakherkenning werkt niet in deze browser. Typ je vraag; dat werkt altijd. " +
      "(Spreken kan in Chrome, Edge en Safari.)",
    listening: "Ik luister… Zeg wat je wilt vragen.",
    heard: "Gehoord: ",
    noVoice: "Deze browser heeft geen Nederlandse stem: je leest de antwoorden hieronder.",
    voice: "Stem: ",
    noSynthesis: "Deze browser kan niet voorlezen: je leest de antwoorden hieronder.",
    busy: "Even geduld…",
    tooMany: "Even rustig aan: probeer het over een paar seconden opnieuw.",
    tooLong: "Dat is te lang. Houd het kort, hooguit 300 tekens.",
    failed: "Dat lukte niet. Probeer het nog eens.",
    offline: "De coach is niet bereikbaar. Controleer de verbinding en probeer het opnieuw.",
    ended: "Gesprek beëindigd. Typ of zeg iets om verder te gaan.",
    opening: "(gesprek openen)",
    you: "Jij",
    coach: "Coach",
    understood: "begrepen: ",
    sameCard: "Op de kaart staat dezelfde tekst als hierboven.",
    errors: {
      "not-allowed": "De browser mag de microfoon niet gebruiken. Sta de microfoon toe, of typ je vraag.",
      "service-not-allowed": "Spraakherkenning is in deze browser uitgeschakeld. Typ je vraag.",
      "no-speech": "Ik hoorde niets. Probeer het nog eens, of typ je vraag.",
      "audio-capture": "Er is geen microfoon gevonden. Typ je vraag.",
      "network": "Spraakherkenning heeft de spraakdienst van je browser nodig en die is niet bereikbaar. Typ je vraag.",
      "language-not-supported": "Deze browser herkent geen Nederlands. Typ je vraag.",
      "aborted": ""
    },
    recognitionFailed: "Spraakherkenning lukte niet. Typ je vraag."
  };

  var Recognition = window.SpeechRecognition || window.webkitSpeechRecognition;
  var synth = window.speechSynthesis || null;
  var form, input, log, statusEl, mic, readAloud, voiceEl;
  var dutchVoice = null;
  var busy = false;
  var recognition = null;
  var speaking = 0;  // the token of the answer being spoken; a new one cancels the old
  var timer = null;

  function emit(name, detail) {
    window.dispatchEvent(new CustomEvent("gesprekscoach:" + name, { detail: detail }));
  }

  function say(text) { statusEl.textContent = text; }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  /* ---- voices ---------------------------------------------------------------------------- */

  function pickVoice() {
    if (!synth) { voiceEl.textContent = MESSAGES.noSynthesis; return; }
    var voices = synth.getVoices() || [];
    var rank = function (v) {
      var lang = (v.lang || "").toLowerCase().replace("_", "-");
      if (lang === "nl-nl") { return v.localService ? 0 : 1; }
      if (lang === "nl-be") { return 2; }
      if (lang.indexOf("nl") === 0) { return 3; }
      return 9;
    };
    var best = null;
    voices.forEach(function (v) { if (rank(v) < 9 && (!best || rank(v) < rank(best))) { best = v; } });
    dutchVoice = best;
    voiceEl.textContent = best ? MESSAGES.voice + best.name : MESSAGES.noVoice;
  }

  /* Safari on iOS speaks only after speechSynthesis was first used during a tap or key press: send()
     runs in one, so an empty utterance there unlocks the answers that arrive later. */
  var unlocked = false;
  function unlockSpeech() {
    if (unlocked || !synth || !readAloud.checked) { return; }
    unlocked = true;
    try { synth.speak(new SpeechSynthesisUtterance("")); } catch (e) { /* nothing to unlock */ }
  }

  function stopSpeaking() {
    speaking += 1;
    if (timer) { clearTimeout(timer); timer = null; }
    if (synth && (synth.speaking || synth.pending)) { synth.cancel(); }
  }

  /* Speak the pieces one after the other: each at its rate (prosody), a silence after it (breaks). */
  function speak(pieces) {
    stopSpeaking();
    if (!synth || !readAloud.checked || !dutchVoice || !pieces || !pieces.length) { return; }
    var token = speaking;
    var i = 0;
    function next() {
      if (token !== speaking || i >= pieces.length) { return; }
      var piece = pieces[i];
      i += 1;
      var done = false;
      var after = function () {
        if (done || token !== speaking) { return; }
        done = true;
        timer = setTimeout(next, Math.max(0, piece.pause_ms || 0));
      };
      if (!piece.text) { after(); return; }
      var u = new SpeechSynthesisUtterance(piece.text);
      u.voice = dutchVoice;
      u.lang = dutchVoice.lang || "nl-NL";
      u.rate = piece.rate || 1;
      u.onend = after;
      u.onerror = after;
      emit("spreek", { text: piece.text, rate: u.rate, lang: u.lang, voice: dutchVoice.name,
                       pauseMs: piece.pause_ms || 0 });
      synth.speak(u);
    }
    next();
  }

  /* ---- the conversation ------------------------------------------------------------------ */

  function scrollTo(node) {
    if (node.scrollIntoView) { node.scrollIntoView({ block: "nearest" }); }
  }

  function addYou(text) {
    var li = el("li", "jij");
    li.appendChild(el("span", "wie", MESSAGES.you));
    li.appendChild(el("span", "gezegd", text || MESSAGES.opening));
    log.appendChild(li);
    scrollTo(li);
    return li;
  }

  function addAnswer(you, data) {
    if (data.understood) { you.appendChild(el("span", "begrepen", MESSAGES.understood + data.understood)); }
    var li = el("li", "coach");
    li.appendChild(el("span", "wie", MESSAGES.coach));
    li.appendChild(el("p", "antwoord", data.text || ""));
    if (data.card && (data.card.title || data.card.content)) {
      var card = el("section", "kaart");
      card.setAttribute("aria-label", "Kaart");
      card.appendChild(el("h3", "", data.card.title));
      card.appendChild(data.card.same_as_speech ? el("p", "klein", MESSAGES.sameCard)
                                                : el("p", "", data.card.content));
      li.appendChild(card);
    }
    log.appendChild(li);
    if (data.ended) { log.appendChild(el("li", "einde", MESSAGES.ended)); }
    scrollTo(li);
  }

  function addError(text) {
    var li = el("li", "fout", text);
    log.appendChild(li);
    scrollTo(li);
  }

  /* Send what was typed or heard; false when an answer is still on its way (nothing is sent). */
  function send(text) {
    if (busy) { say(MESSAGES.busy); return false; }
    busy = true;
    stopSpeaking();
    unlockSpeech();
    var you = addYou(text);
    say(MESSAGES.busy);
    fetch("/api/turn", {
      method: "POST",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({ text: text })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { status: response.status, data: data };
      });
    }).then(function (result) {
      if (result.status === 200) {
        say("");
        addAnswer(you, result.data);
        speak(result.data.speech);
        emit("antwoord", result.data);
      } else {
        var text = result.status === 429 ? MESSAGES.tooMany
          : (result.status === 413 ? MESSAGES.tooLong : MESSAGES.failed);
        say(text);
        addError(text);
      }
    }).catch(function () {
      say(MESSAGES.offline);
      addError(MESSAGES.offline);
    }).then(function () {
      busy = false;
    });
    return true;
  }

  /* ---- the microphone -------------------------------------------------------------------- */

  function setListening(on) {
    mic.setAttribute("aria-pressed", on ? "true" : "false");  /* the label stays; the state is pressed */
  }

  function listen() {
    if (recognition) { recognition.stop(); return; }
    stopSpeaking();
    var r;
    try {
      r = new Recognition();
    } catch (e) {
      say(MESSAGES.recognitionFailed);
      return;
    }
    recognition = r;
    r.lang = "nl-NL";
    r.interimResults = false;
    r.continuous = false;
    r.maxAlternatives = 1;
    r.onresult = function (event) {
      var result = event.results && event.results[0] && event.results[0][0];
      var heard = result ? String(result.transcript || "").trim() : "";
      if (heard) {
        say(MESSAGES.heard + heard);
        if (!send(heard)) { input.value = heard; }  /* still busy: keep it to send by hand */
      }
    };
    r.onerror = function (event) {
      var message = MESSAGES.errors[event.error];
      say(message === undefined ? MESSAGES.recognitionFailed : message);
    };
    r.onend = function () {
      recognition = null;
      setListening(false);
    };
    setListening(true);
    say(MESSAGES.listening);
    try {
      r.start();
    } catch (e) {
      recognition = null;
      setListening(false);
      say(MESSAGES.recognitionFailed);
    }
  }

  /* ---- start ----------------------------------------------------------------------------- */

  function start() {
    form = document.getElementById("formulier");
    input = document.getElementById("invoer");
    log = document.getElementById("gesprek");
    statusEl = document.getElementById("status");
    mic = document.getElementById("microfoon");
    readAloud = document.getElementById("voorlezen");
    voiceEl = document.getElementById("stem");

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (send(input.value.trim())) { input.value = ""; }
      input.focus();
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-zeg]"), function (button) {
      button.addEventListener("click", function () { send(button.getAttribute("data-zeg")); });
    });
    try {  /* remember "Antwoorden voorlezen" in this browser (screen reader users often turn it off) */
      if (window.localStorage.getItem("gesprekscoach.voorlezen") === "nee") { readAloud.checked = false; }
    } catch (e) { /* storage blocked: the default stays */ }
    readAloud.addEventListener("change", function () {
      if (!readAloud.checked) { stopSpeaking(); }
      try { window.localStorage.setItem("gesprekscoach.voorlezen", readAloud.checked ? "ja" : "nee"); } catch (e) { /* ignore */ }
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { stopSpeaking(); }
    });

    if (Recognition) {
      mic.addEventListener("click", listen);
    } else {
      mic.disabled = true;
      say(MESSAGES.noRecognition);
    }
    if (synth) {
      pickVoice();
      if (synth.addEventListener) { synth.addEventListener("voiceschanged", pickVoice); }
    } else {
      readAloud.checked = false;
      readAloud.disabled = true;
      voiceEl.textContent = MESSAGES.noSynthesis;
    }
    document.documentElement.setAttribute("data-klaar", "ja");
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
