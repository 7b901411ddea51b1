/** What `looplab lessons` does: the lessons in order, with the learner's progress. */
import type { ArgumentsCamelCase } from 'yargs';
import { jsonText } from '../../core/json.ts';
import { isAppLesson } from '../../lessons/engine/app-lesson.ts';
import { formatLessonList } from '../../lessons/engine/format.ts';
import { course, lessonNumber } from '../../lessons/registry.ts';
import { type GlobalArgs, out, useColor } from '../shared/context.ts';
import { lessonStyle, openProgress } from '../shared/lessons.ts';

export interface Args extends GlobalArgs {
  json: boolean;
}

export async function handle(argv: ArgumentsCamelCase<Args>): Promise<void> {
  const { progress } = await openProgress();
  if (!argv.json) {
    out(formatLessonList(course, progress, lessonStyle(useColor(process.stdout))));
    return;
  }
  const list = course.map((l) => ({
    number: lessonNumber(l),
    id: l.id,
    title: l.title,
    scenario: isAppLesson(l) ? null : l.scenario.id,
    app: isAppLesson(l) ? l.name : null,
    passed: Boolean(progress.passed[l.id]),
    passedAt: progress.passed[l.id]?.at ?? null,
  }));
  out(jsonText(list));
}
