// End-to-end: virtual-alexa (a real Alexa client simulator) drives the running webservice over HTTP,
// resolving utterances with our own interaction model. Run through pytest
// (tests/test_e2e_virtual_alexa.py starts `gesprekscoach serve --dev` and writes the model copy), or
// by hand: see README.md in this folder.
//
// Environment: E2E_SKILL_URL (http://127.0.0.1:PORT/alexa), E2E_MODEL (the model file for
// virtual-alexa), E2E_SKILL_ID (the application id the server expects).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const va = require("virtual-alexa");
const { Utterance } = require("virtual-core");

const SKILL_URL = process.env.E2E_SKILL_URL;
const MODEL = process.env.E2E_MODEL;
const SKILL_ID = process.env.E2E_SKILL_ID || "amzn1.ask.skill.00000000-0000-0000-0000-000000000000";
if (!SKILL_URL || !MODEL) {
  throw new Error("E2E_SKILL_URL and E2E_MODEL must be set: run `pytest tests/test_e2e_virtual_alexa.py` "
    + "(it starts the server and writes the model), or see tests/e2e/README.md");
}
const languageModel = JSON.parse(fs.readFileSync(MODEL, "utf8")).interactionModel.languageModel;

function newAlexa() {
  return va.VirtualAlexa.Builder()
    .skillURL(SKILL_URL)
    .interactionModelFile(MODEL)
    .locale("nl-NL")
    .applicationID(SKILL_ID)
    .create();
}

// Quirk: alexa.utter() treats ANY utterance containing "ask", "open", "launch", "talk to" or "tell"
// (even inside a word: "vertellen") as a launch request, so "geef een open vraag" would just open the
// skill. sayAsIs() resolves the words with virtual-alexa's own matcher (virtual-core, the same one
// utter() uses) and sends the IntentRequest, skipping only that launch-phrase check.
function sayAsIs(alexa, text) {
  const utterance = new Utterance(alexa.context().interactionModel(), text);
  if (!utterance.matched()) {
    throw new Error(`Unable to match utterance: ${text}`);
  }
  return alexa.request().intent(utterance.intent()).slots(utterance.toJSON()).send();
}
const LAUNCH_QUIRK = /(ask|open|launch|talk to|tell)/i;
function say(alexa, text) {
  return LAUNCH_QUIRK.test(text) ? sayAsIs(alexa, text) : alexa.utter(text);
}

// every answer must be something Alexa accepts
function speech(response) {
  assert.equal(response.version, "1.0");
  const out = response.response.outputSpeech;
  assert.ok(out, "no outputSpeech");
  assert.equal(out.type, "SSML");
  assert.match(out.ssml, /^<speak>[\s\S]*<\/speak>$/);
  assert.ok(out.ssml.length <= 8000);
  assert.ok(Buffer.byteLength(JSON.stringify(response)) <= 24 * 1024);
  return out.ssml.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ").trim();
}
const open = (r) => assert.equal(r.response.shouldEndSession, false, "session should stay open");
const ended = (r) => assert.notEqual(r.response.shouldEndSession, false, "session should end");

// Record what was sent, so the tests can check the request virtual-alexa built.
function recording(alexa) {
  const sent = [];
  alexa.filter((request) => { sent.push(JSON.parse(JSON.stringify(request))); });
  return sent;
}

// The skill rotates between prompt variants; check against the prompt file, not one wording.
const PROMPTS = JSON.parse(fs.readFileSync(
  path.join(__dirname, "..", "..", "skill", "locale", "nl-NL", "prompts.json"), "utf8")).prompts;
function saysOneOf(text, key) {
  const openings = (PROMPTS[key] || []).map((variant) =>
    variant.replace(/\[\[[^\]]*\]\]/g, " ").split("{")[0].split(/(?<=[.?!])\s/)[0].trim());
  assert.ok(openings.length, `no prompt ${key}`);
  assert.ok(openings.some((opening) => text.includes(opening)), `expected a '${key}' prompt, got: ${text}`);
}


test("launch: welcome, the session stays open", async () => {
  const alexa = newAlexa();
  const sent = recording(alexa);
  const r = await alexa.launch();
  assert.equal(sent[0].request.type, "LaunchRequest");
  saysOneOf(speech(r), "welcome");
  open(r);
  assert.ok(r.response.reprompt, "a question needs a reprompt");
});

test("TipIntent: several utterances", async () => {
  for (const text of ["geef me een tip", "heb je een tip voor me", "nog een tip", "tip van de dag"]) {
    const alexa = newAlexa();
    const sent = recording(alexa);
    await alexa.launch();
    const r = await say(alexa, text);
    assert.equal(sent[1].request.intent.name, "TipIntent", text);
    assert.ok(speech(r).length > 20, text);
  }
});

test("PrincipleIntent: values and synonyms resolve to ids, session attributes carry", async () => {
  const alexa = newAlexa();
  const sent = recording(alexa);
  const first = await alexa.launch();
  const cases = [
    ["help me afsluiten", "afsluiten", /afsluit|Sluit/i],
    ["wat is lichaamstaal", "non_verbaal", /signalen|lichaam/i],
    ["vertel me over parafraseren", "parafraseren", /parafrase|Parafraseer/i],
    ["hoe kan ik beter luisteren", "luisteren", /luister/i],
  ];
  let previous = first;
  for (const [text, id, expected] of cases) {
    const r = await say(alexa, text);
    const request = sent[sent.length - 1];
    assert.equal(request.request.intent.name, "PrincipleIntent", text);
    const resolution = request.request.intent.slots.principe.resolutions.resolutionsPerAuthority[0];
    assert.equal(resolution.status.code, "ER_SUCCESS_MATCH", text);
    assert.equal(resolution.values[0].value.id, id, text);
    assert.deepEqual(request.session.attributes, previous.sessionAttributes || {}, "attributes carried");
    assert.equal(request.session.new, false);
    assert.match(speech(r), expected, text);
    open(r);
    previous = r;
  }
});

test("ExamplesIntent: 'geef een open vraag' (launch-word workaround)", async () => {
  const alexa = newAlexa();
  const sent = recording(alexa);
  await alexa.launch();
  // the quirk itself: utter() turns this into a LaunchRequest
  await alexa.utter("geef een open vraag");
  assert.equal(sent[1].request.type, "LaunchRequest");
  // the workaround sends what Alexa would send
  const r = await sayAsIs(alexa, "geef een open vraag");
  assert.equal(sent[2].request.intent.name, "ExamplesIntent");
  assert.equal(sent[2].request.intent.slots.principe.resolutions.resolutionsPerAuthority[0].values[0].value.id,
    "open_vragen");
  assert.match(speech(r), /open vragen/i);
  const more = await say(alexa, "geef me een voorbeeldzin");
  assert.equal(sent[3].request.intent.name, "ExamplesIntent");
  speech(more);
});

test("ListPrinciplesIntent, then next / previous / repeat / yes / start over; no ends", async () => {
  const alexa = newAlexa();
  const sent = recording(alexa);
  await alexa.launch();
  speech(await say(alexa, "welke tips heb je"));
  assert.equal(sent[1].request.intent.name, "ListPrinciplesIntent");
  const steps = [["volgende", "AMAZON.NextIntent"], ["vorige", "AMAZON.PreviousIntent"],
    ["herhaal", "AMAZON.RepeatIntent"], ["ja graag", "AMAZON.YesIntent"],
    ["begin opnieuw", "AMAZON.StartOverIntent"]];
  for (const [text, intent] of steps) {
    const r = await say(alexa, text);
    assert.equal(sent[sent.length - 1].request.intent.name, intent, text);
    speech(r);
    open(r);
  }
  // issue 15: "nee" ends with a short goodbye instead of asking "Wat wil je nu doen?" again
  const no = await say(alexa, "nee");
  assert.equal(sent[sent.length - 1].request.intent.name, "AMAZON.NoIntent");
  speech(no);
  ended(no);
});

test("repeat says the same thing again", async () => {
  const alexa = newAlexa();
  await alexa.launch();
  const tip = await say(alexa, "geef me een tip");
  const again = await say(alexa, "zeg het nog eens");
  assert.equal(speech(again), speech(tip));
});

test("help and stop in Dutch", async () => {
  const alexa = newAlexa();
  const sent = recording(alexa);
  await alexa.launch();
  const help = await say(alexa, "hoe werkt deze skill");
  assert.equal(sent[1].request.intent.name, "AMAZON.HelpIntent");
  saysOneOf(speech(help), "help");
  open(help);
  const stop = await say(alexa, "stop");
  assert.equal(sent[2].request.intent.name, "AMAZON.StopIntent");
  speech(stop);
  ended(stop);
  assert.equal(stop.response.reprompt, undefined);
});

test("cancel ends the session", async () => {
  const alexa = newAlexa();
  await alexa.launch();
  ended(await say(alexa, "annuleer"));
});

test("fallback: virtual-alexa throws on an unmatched utterance, so the intent is sent directly", async () => {
  const alexa = newAlexa();
  await alexa.launch();
  await assert.rejects(async () => alexa.utter("hoeveel kost een brood"), /Unable to match utterance/);
  const r = await alexa.intend("AMAZON.FallbackIntent");
  saysOneOf(speech(r), "fallback");
  open(r);
});

test("an unlisted slot value (ER_SUCCESS_NO_MATCH) is sent by intend()", async () => {
  const alexa = newAlexa();
  const sent = recording(alexa);
  await alexa.launch();
  // utter() only matches listed values ("help me met koken" throws); intend() sends the value as heard
  await assert.rejects(async () => alexa.utter("help me met koken"), /Unable to match utterance/);
  const r = await alexa.intend("PrincipleIntent", { principe: "koken" });
  const resolution = sent[1].request.intent.slots.principe.resolutions.resolutionsPerAuthority[0];
  assert.equal(resolution.status.code, "ER_SUCCESS_NO_MATCH");
  saysOneOf(speech(r), "unknown_topic");
  open(r);
});

test("crisis: the help line, whatever the session", async () => {
  const alexa = newAlexa();
  const sent = recording(alexa);
  await alexa.launch();
  const r = await say(alexa, "ik zie het niet meer zitten");
  assert.equal(sent[1].request.intent.name, "CrisisIntent");
  assert.match(r.response.outputSpeech.ssml, /113/);
});

test("one-shot requests: a new session that starts with an intent", async () => {
  for (const [text, intent] of [["geef me een tip", "TipIntent"], ["help me afsluiten", "PrincipleIntent"],
    ["welke tips heb je", "ListPrinciplesIntent"]]) {
    const alexa = newAlexa();
    const sent = recording(alexa);
    const r = await say(alexa, text); // "Alexa, vraag empathisch gesprek ..." arrives like this
    assert.equal(sent[0].request.type, "IntentRequest");
    assert.equal(sent[0].request.intent.name, intent);
    assert.equal(sent[0].session.new, true);
    speech(r);
  }
});

test("after the session ends, the next utterance starts a new session", async () => {
  const alexa = newAlexa();
  const sent = recording(alexa);
  await alexa.launch();
  ended(await say(alexa, "stop"));
  await say(alexa, "geef me een tip");
  assert.equal(sent[2].session.new, true);
  assert.notEqual(sent[2].session.sessionId, sent[0].session.sessionId);
});

test("SessionEndedRequest gets an empty answer", async () => {
  const alexa = newAlexa();
  await alexa.launch();
  const r = await alexa.endSession();
  assert.equal(r.version, "1.0");
  assert.equal((r.response || {}).outputSpeech, undefined);
});

test("quirk: virtual-alexa adds English built-in samples", async () => {
  const alexa = newAlexa();
  const sent = recording(alexa);
  await alexa.launch();
  await alexa.utter("shut up"); // not Dutch, and still AMAZON.StopIntent in virtual-alexa
  assert.equal(sent[1].request.intent.name, "AMAZON.StopIntent");
});

// The quiz and the checklist.
const QUIZ_PROMPTS = path.join(__dirname, "..", "..", "skill", "locale", "nl-NL", "quiz.json");
const quizPrompts = JSON.parse(fs.readFileSync(QUIZ_PROMPTS, "utf8")).prompts;

test("quiz: a whole round, answers by letter and 'weet ik niet', then the score", async () => {
    const alexa = newAlexa();
    const sent = recording(alexa);
    await alexa.launch();
    let r = await say(alexa, "start de quiz");
    assert.equal(sent[1].request.intent.name, "QuizIntent");
    open(r);
    const started = r;
    r = await say(alexa, "het antwoord is b");
    const answer = sent[2].request.intent;
    assert.equal(answer.name, "QuizAnswerIntent");
    assert.equal(answer.slots.antwoord.resolutions.resolutionsPerAuthority[0].values[0].value.id, "b");
    assert.deepEqual(sent[2].session.attributes, started.sessionAttributes, "quiz state carried by Alexa");
    open(r);
    // the round is over when the skill says one of its quiz_end lines (read from the prompt file)
    const endLines = quizPrompts.quiz_end || [];
    const isEnd = (text) => endLines.some((line) => text.includes(line.replace(/\[\[[^\]]*\]\]/g, "").trim()));
    let answers = 1;
    while (!isEnd(speech(r)) && answers < 12) {
      const before = r;
      r = await say(alexa, "weet ik niet");
      answers += 1;
      const request = sent[sent.length - 1];
      assert.equal(request.request.intent.name, "DontKnowIntent");
      assert.deepEqual(request.session.attributes, before.sessionAttributes, "quiz state carried by Alexa");
      open(r);
    }
    assert.ok(isEnd(speech(r)), `the round ends: ${speech(r)}`);
    assert.ok(answers >= 3, "a round has a few questions");
    ended(await say(alexa, "stop"));
  });

test("quiz: repeat and help during a question, stop leaves", async () => {
    const alexa = newAlexa();
    await alexa.launch();
    const question = await say(alexa, "start de quiz");
    const again = await say(alexa, "herhaal");
    assert.ok(speech(again).length > 20);
    open(again);
    open(await say(alexa, "hoe werkt deze skill"));
    const stop = await say(alexa, "stop");
    speech(stop);
    ended(stop);
    assert.ok(speech(question).length > 20);
  });

test("checklist: step by step with 'volgende' to the end", async () => {
    const alexa = newAlexa();
    const sent = recording(alexa);
    await alexa.launch();
    let r = await say(alexa, "de afsluitchecklist stap voor stap");
    assert.equal(sent[1].request.intent.name, "ChecklistIntent");
    const manier = sent[1].request.intent.slots.manier.resolutions.resolutionsPerAuthority[0];
    assert.equal(manier.values[0].value.id, "stap_voor_stap");
    open(r);
    const total = Number((speech(r).match(/(\d+) van (\d+)/) || [])[2] || 4);
    const seen = new Set([speech(r)]);
    for (let i = 1; i < total; i++) {
      r = await say(alexa, "volgende");
      assert.equal(sent[sent.length - 1].request.intent.name, "AMAZON.NextIntent");
      seen.add(speech(r));
      open(r);
    }
    assert.equal(seen.size, total, "every step says something new");
    open(await say(alexa, "volgende")); // past the last step: still an answer, still open
    ended(await say(alexa, "stop"));
  });

// Practice (issue 11): every practice question comes with Dialog.ElicitSlot for
// PracticeReplyIntent.antwoord_vrij, so Alexa takes the next utterance whole. virtual-alexa follows the
// dialog model; a free reply is sent as Alexa would after the elicitation (intent + slot), a reply with a
// carrier phrase goes through the model's samples.
const PRACTICE = JSON.parse(fs.readFileSync(
  path.join(__dirname, "..", "..", "skill", "locale", "nl-NL", "practice.json"), "utf8")).prompts;
function elicits(r) {
  const d = (r.response.directives || []).find((x) => x.type === "Dialog.ElicitSlot");
  assert.ok(d, "no Dialog.ElicitSlot");
  assert.equal(d.slotToElicit, "antwoord_vrij");
  assert.equal(d.updatedIntent.name, "PracticeReplyIntent");
}
function reply(alexa, words) {
  return alexa.request().intent("PracticeReplyIntent").slot("antwoord_vrij", words).send();
}

test("practice: start, replies in free words, a hint, then 'annuleer' leaves the role play", async () => {
  const alexa = newAlexa();
  const sent = recording(alexa);
  await alexa.launch();
  let r = await say(alexa, "laten we oefenen");
  assert.equal(sent[1].request.intent.name, "PracticeIntent");
  open(r); elicits(r);
  assert.equal(r.sessionAttributes.offer, "practice");
  r = await reply(alexa, "hoe gaat het met je");      // a reply here, not a question to the coach
  open(r); elicits(r);
  assert.equal(r.sessionAttributes.prac.h, "o");
  r = await say(alexa, "ik zeg dan je moet gewoon nee zeggen");
  assert.equal(sent[3].request.intent.name, "PracticeReplyIntent");
  assert.equal(sent[3].request.intent.slots.antwoord_vrij.value, "je moet gewoon nee zeggen");
  assert.equal(r.sessionAttributes.prac.h, "oa");
  r = await say(alexa, "geef een hint");
  assert.equal(sent[4].request.intent.name, "HintIntent");
  open(r); elicits(r);
  r = await say(alexa, "annuleer");
  open(r);
  assert.equal(r.sessionAttributes.offer, undefined);
  assert.equal(r.sessionAttributes.prac.t, 2);
});

test("practice: four answers, then the summary and the offer of another", async () => {
  const alexa = newAlexa();
  await alexa.launch();
  await say(alexa, "oefen een gesprek");
  let r;
  for (const words of ["wat maakt het zo zwaar", "het klinkt alsof het te veel is", "logisch dat je moe bent",
                       "wat zou je helpen"]) {
    r = await reply(alexa, words);
  }
  open(r);
  assert.equal(r.sessionAttributes.offer, "practice_again");
  assert.ok(!(r.response.directives || []).some((x) => x.type === "Dialog.ElicitSlot"));
  const text = speech(r);
  assert.ok(PRACTICE.practice_again_question.some((q) => text.endsWith(q)), text);
});

test("practice: a distress statement mid-practice gets the crisis answer at once", async () => {
  const alexa = newAlexa();
  await alexa.launch();
  await say(alexa, "laten we oefenen");
  const r = await say(alexa, "ik zie het niet meer zitten");
  assert.match(r.response.outputSpeech.ssml, /113/);
  assert.match(r.sessionAttributes.offer, /^care_/);
  assert.ok(!(r.response.directives || []).some((x) => x.type === "Dialog.ElicitSlot"));
});

// whether one of a prompt's variants was said: its words in order, any {field} standing for any words
function variantSaid(text, variants) {
  return variants.some((v) => new RegExp(v.split(/\{\w+\}/).map((piece) => piece.trim())
    .filter(Boolean).map((piece) => piece.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*?")).test(text));
}

test("practice: stop met oefenen, ik weet het niet, herhaal and help are heard mid-practice; stop ends", async () => {
  const alexa = newAlexa();
  const sent = recording(alexa);
  await alexa.launch();
  let r = await say(alexa, "laten we oefenen");
  for (const [words, intent, key] of [["ik weet het niet", "DontKnowIntent", "practice_hint"],
                                       ["herhaal", "AMAZON.RepeatIntent", "practice_repeat_intro"],
                                       ["help", "AMAZON.HelpIntent", "practice_help"]]) {
    r = await say(alexa, words);
    assert.equal(sent[sent.length - 1].request.intent.name, intent, words);
    open(r); elicits(r);
    const text = speech(r);
    assert.ok(variantSaid(text, PRACTICE[key]), `${key}: ${text}`);
    assert.equal(r.sessionAttributes.prac.t, 0, "no answer counted");
  }
  r = await say(alexa, "stop met oefenen");
  assert.equal(sent[sent.length - 1].request.intent.name, "LeaveIntent");
  open(r);
  assert.equal(r.sessionAttributes.offer, undefined);
  assert.ok(PRACTICE.practice_left.some((v) => speech(r).startsWith(v)), speech(r));
  r = await say(alexa, "ga verder met oefenen");
  assert.equal(sent[sent.length - 1].request.intent.name, "ResumeIntent");
  open(r); elicits(r);
  ended(await say(alexa, "stop"));
});

const SCENARIO_IDS = JSON.parse(fs.readFileSync(
  path.join(__dirname, "..", "..", "skill", "locale", "nl-NL", "practice", "scenarios.json"), "utf8"))
  .scenarios.map((s) => s.id);

test("practice: every scenario can be played by voice to its summary, one after another", async () => {
  const alexa = newAlexa();
  await alexa.launch();
  let r = await say(alexa, "laten we oefenen");
  const played = new Set();
  for (let round = 0; round < 100 && played.size < SCENARIO_IDS.length; round++) {
    open(r); elicits(r);
    const id = r.sessionAttributes.prac.s;
    for (const words of ["wat maakt het zo zwaar", "het klinkt alsof het je te veel wordt",
                         "logisch dat je je zo voelt", "wat zou je helpen"]) {
      r = await reply(alexa, words);
    }
    open(r);
    assert.equal(r.sessionAttributes.offer, "practice_again", id);
    assert.deepEqual(r.sessionAttributes.prac, { x: id });
    played.add(id);
    r = await say(alexa, "ja"); // another scenario, never the same one twice in a row
    assert.notEqual(r.sessionAttributes.prac.s, id);
  }
  assert.deepEqual([...played].sort(), [...SCENARIO_IDS].sort());
});
