import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { wrapText } from '../../lessons/engine/format.ts';
import { findLesson, lessonNumber } from '../../lessons/registry.ts';
import { type GlobalArgs, out } from '../shared/context.ts';
import { textWidth } from '../shared/lessons.ts';

interface Args extends GlobalArgs {
  lesson: string;
}

export const hintCommand: CommandModule<GlobalArgs, Args> = {
  command: 'hint <lesson>',
  describe: "A hint for a lesson's exercise",
  builder: (y: Argv<GlobalArgs>) =>
    y
      .positional('lesson', { type: 'string', demandOption: true, describe: 'Lesson number or id' })
      .example('$0 hint 1', 'A nudge for exercise 1, without giving it away') as Argv<Args>,
  handler: (argv: ArgumentsCamelCase<Args>) => {
    const lesson = findLesson(argv.lesson);
    const width = textWidth();
    out(
      `${wrapText(`Exercise ${lessonNumber(lesson)} (${lesson.id}): ${lesson.exercise.task}`, width)}\n\n` +
        `${wrapText(`Hint: ${lesson.exercise.hint}`, width)}\n`,
    );
  },
};
