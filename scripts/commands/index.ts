/**
 * Every command the CLI has, in the order its --help lists them. The fuzz test walks this list,
 * so a new command is fuzzed the day it is added here.
 *
 * A command file holds only what --help and yargs' checks need: the command, its flags, its
 * examples. Its handler imports what the command does from handlers/ when it runs, so the CLI
 * does not load the harness, the HTML pages and twelve lessons to print help or run one command.
 */
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../shared/context.ts';
import { benchCommand } from './bench.ts';
import { compareCommand } from './compare.ts';
import { doctorCommand } from './doctor.ts';
import { hintCommand } from './hint.ts';
import { lessonCommand } from './lesson.ts';
import { lessonsCommand } from './lessons.ts';
import { liveCommand } from './live.ts';
import { mergeCommand } from './merge.ts';
import { microCommand } from './micro.ts';
import { reportCommand } from './report.ts';
import { resetCommand } from './reset.ts';
import { scenariosCommand } from './scenarios.ts';
import { serveCommand } from './serve.ts';
import { solutionCommand } from './solution.ts';
import { sweepCommand } from './sweep.ts';
import { verifyCommand } from './verify.ts';

// biome-ignore lint/suspicious/noExplicitAny: yargs types each command by its own arguments and is invariant in them, so the commands share no narrower type.
export const commands: CommandModule<GlobalArgs, any>[] = [
  lessonsCommand,
  lessonCommand,
  verifyCommand,
  hintCommand,
  solutionCommand,
  resetCommand,
  scenariosCommand,
  benchCommand,
  sweepCommand,
  serveCommand,
  liveCommand,
  compareCommand,
  mergeCommand,
  microCommand,
  reportCommand,
  doctorCommand,
];
