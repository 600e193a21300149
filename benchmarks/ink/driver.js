#!/usr/bin/env node
// The inkjs side of the ink peer benchmark (benchmarks/bench_ink.py runs it).
//
//   node driver.js compile STORY.ink OUT.json [--repeat N]
//   node driver.js play STORY.json [--plays N] [--seed S] [--warmup W] [--repeat N]
//   node driver.js walk STORY.json --picks 0,1,0 [--seed S]
//
// Each mode prints one JSON object on stdout. Times are measured here, in node's own
// process: CPU with process.cpuUsage() (user + system) beside wall time, so that the
// Python side never counts node's start-up. A compile error prints {"errors": [...]}
// and exits with 2.
"use strict";

const fs = require("fs");
const { Compiler, CompilerOptions, Story } = require("inkjs/full");

const SEED_VARIABLE = "play_seed"; // set before a play's first line; see ink_export.py
const MAX_CHOICES_PER_PLAY = 100000; // a play that never ends is stopped, and counted

function option(name, fallback) {
  const at = process.argv.indexOf(name);
  return at < 0 ? fallback : process.argv[at + 1];
}

function timed(work) {
  const cpu = process.cpuUsage();
  const wall = process.hrtime.bigint();
  const result = work();
  const used = process.cpuUsage(cpu);
  return {
    cpu: (used.user + used.system) / 1e6,
    wall: Number(process.hrtime.bigint() - wall) / 1e9,
    result,
  };
}

// The best run's CPU and wall seconds of `repeat` runs, and the last run's result.
function best(repeat, work) {
  let cpu = Infinity;
  let wall = Infinity;
  let result = null;
  for (let run = 0; run < repeat; run += 1) {
    const one = timed(work);
    cpu = Math.min(cpu, one.cpu);
    wall = Math.min(wall, one.wall);
    result = one.result;
  }
  return { cpu, wall, runs: repeat, result };
}

// A small seeded generator (SplitMix32), so that picks repeat from run to run.
function generator(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
}

function compile(source) {
  const errors = [];
  const options = new CompilerOptions(null, [], false, (message, kind) => {
    if (kind === 2) errors.push(message);
  });
  let story = null;
  try {
    story = new Compiler(source, options).Compile();
  } catch (error) {
    if (errors.length === 0) errors.push(String(error));
  }
  return { errors, json: story && errors.length === 0 ? story.ToJson() : null };
}

// Plays from the start to the end, picking with `pick(count)`; returns the choices made,
// or -1 when the play was stopped for making too many.
function playOnce(story, seed, pick, seen) {
  story.ResetState();
  story.variablesState[SEED_VARIABLE] = seed;
  let choices = 0;
  for (;;) {
    while (story.canContinue) {
      const line = story.Continue();
      if (seen && line.trim() !== "") seen.push({ line: line.trim() });
    }
    const offered = story.currentChoices;
    if (offered.length === 0) return choices;
    if (choices >= MAX_CHOICES_PER_PLAY) return -1;
    const index = pick(offered.length);
    if (index === null || index >= offered.length) return choices;
    if (seen) seen.push({ offered: offered.map((choice) => choice.text), picked: index });
    story.ChooseChoiceIndex(index);
    choices += 1;
  }
}

function playMany(story, plays, seed) {
  const random = generator(seed);
  const pick = (count) => Math.floor(random() * count);
  let choices = 0;
  let stopped = 0;
  for (let play = 0; play < plays; play += 1) {
    const made = playOnce(story, seed + play, pick, null);
    if (made < 0) stopped += 1;
    else choices += made;
  }
  return { choices, stopped };
}

function main() {
  const [mode, input, output] = process.argv.slice(2);
  const repeat = Number(option("--repeat", "1"));
  if (mode === "compile") {
    const source = fs.readFileSync(input, "utf-8");
    const run = best(repeat, () => compile(source));
    if (run.result.errors.length > 0) {
      process.stdout.write(JSON.stringify({ errors: run.result.errors.slice(0, 20) }) + "\n");
      process.exit(2);
    }
    fs.writeFileSync(output, run.result.json);
    process.stdout.write(
      JSON.stringify({ cpu: run.cpu, wall: run.wall, runs: run.runs, bytes: run.result.json.length }) +
        "\n",
    );
    return;
  }
  const json = fs.readFileSync(input, "utf-8").replace(/^\ufeff/, "");
  if (mode === "play") {
    const load = best(repeat, () => new Story(json));
    const story = load.result;
    const plays = Number(option("--plays", "1000"));
    const seed = Number(option("--seed", "0"));
    const warmup = Number(option("--warmup", "0"));
    playMany(story, warmup, seed + plays); // seeds of their own, so the timed plays match
    const run = timed(() => playMany(story, plays, seed));
    process.stdout.write(
      JSON.stringify({
        load_cpu: load.cpu,
        load_wall: load.wall,
        load_runs: load.runs,
        plays,
        choices: run.result.choices,
        stopped: run.result.stopped,
        cpu: run.cpu,
        wall: run.wall,
      }) + "\n",
    );
    return;
  }
  if (mode === "walk") {
    const picks = option("--picks", "")
      .split(",")
      .filter((text) => text !== "")
      .map(Number);
    const seen = [];
    let next = 0;
    const story = new Story(json);
    playOnce(story, Number(option("--seed", "0")), () => (next < picks.length ? picks[next++] : null), seen);
    const values = {};
    for (const name of option("--values", "").split(",").filter((text) => text !== "")) {
      values[name] = story.variablesState[name];
    }
    process.stdout.write(JSON.stringify({ steps: seen, values, ended: !story.canContinue && story.currentChoices.length === 0 }) + "\n");
    return;
  }
  process.stderr.write(`unknown mode ${mode}: compile, play or walk\n`);
  process.exit(1);
}

main();
