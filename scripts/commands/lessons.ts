import type { ArgumentsCamelCase, Argv, CommandModule } from 'yargs';
import { jsonText } from '../../core/json.ts';
import { formatLessonList } from '../../lessons/engine/format.ts';
import { lessonNumber, lessons } from '../../lessons/registry.ts';
import { type GlobalArgs, out, useColor } from '../shared/context.ts';
import { lessonStyle, openProgress } from '../shared/lessons.ts';

interface Args extends GlobalArgs {
  json: boolean;
}

export const lessonsCommand: CommandModule<GlobalArgs, Args> = {
  command: 'lessons',
  describe: 'List the guided lessons, with a check mark for each one passed',
  builder: (y: Argv<GlobalArgs>) =>
    y
      .option('json', { type: 'boolean', default: false, describe: 'Print the list as JSON' })
      .example('$0 lessons', 'The lessons, in order')
      .example(
        '$0 lessons --json',
        'number, id, title, scenario and passed for each',
      ) as Argv<Args>,
  handler: async (argv: ArgumentsCamelCase<Args>) => {
    const { progress } = await openProgress();
    if (!argv.json) {
      out(formatLessonList(lessons, progress, lessonStyle(useColor(process.stdout))));
      return;
    }
    const list = lessons.map((l) => ({
      number: lessonNumber(l),
      id: l.id,
      title: l.title,
      scenario: l.scenario.id,
      passed: Boolean(progress.passed[l.id]),
      passedAt: progress.passed[l.id]?.at ?? null,
    }));
    out(jsonText(list));
  },
};
