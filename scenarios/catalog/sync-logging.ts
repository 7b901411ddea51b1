/**
 * sync-logging: a log line per request, written synchronously or by a buffered logger.
 *
 * `sync` writes each line with `writeSync`, as `appendFileSync` or a synchronous logger does, and
 * with `durable=1` waits for it to reach the device (`fdatasyncSync`). The loop's thread waits
 * inside each system call: microseconds while the page cache takes the write, every request's
 * time once the disk must be waited for. `async` queues the line with a buffered logger that
 * writes (and flushes) a whole batch on the threadpool, and answers once its line is written:
 * the same guarantee, never on the loop.
 */
import { fdatasyncSync, fstatSync, writeSync } from 'node:fs';
import { type BaseContext, defineScenario, type ScenarioRequest } from '../types.ts';
import { accessLogLine, BufferedLog, openLog } from './lib/log-file.ts';

interface Context extends BaseContext<'line' | 'durable'> {
  /** The log, open for appending (its file is already unlinked: nothing is left behind). */
  file: Awaited<ReturnType<typeof openLog>>;
  fd: number;
  log: BufferedLog;
  /** The request's log line, `line` bytes long with its newline. */
  logLine(req: ScenarioRequest): string;
}

const answer = (line: string) => ({ body: JSON.stringify({ logged: line.length }) });

function writeNow({ fd, params }: Context, line: string): void {
  writeSync(fd, line);
  if (params.durable) fdatasyncSync(fd);
}

export default defineScenario<'line' | 'durable', Context>({
  id: 'sync-logging',
  title: 'A synchronous log write per request vs a buffered logger',
  teaches:
    'A synchronous write to a log file blocks the loop inside the system call. Into the page ' +
    'cache that costs microseconds and looks fine; once each write waits for the disk, every ' +
    'request pays it. A buffered logger writes batches off the loop and keeps the same guarantee.',
  params: {
    line: {
      default: 256,
      unit: 'bytes',
      integer: true,
      min: 64,
      max: 1024 * 1024,
      description: 'bytes of each log line',
    },
    durable: {
      default: 1,
      unit: 'count',
      integer: true,
      min: 0,
      max: 1,
      description: '1: each line reaches the disk (fdatasync) before the answer',
    },
  },
  setup: async (params) => {
    const file = await openLog();
    const log = new BufferedLog(file, params.durable === 1);
    const logLine = (req: ScenarioRequest) => accessLogLine(req, params.line);
    return { params, file, fd: file.fd, log, logLine };
  },
  teardown: ({ file }) => file.close(),
  // The log's size: every line a request wrote, whichever way it was written (fstat, microseconds).
  output: ({ fd }) => fstatSync(fd).size,
  operation: (ctx, req) => writeNow(ctx, ctx.logLine(req)),
  variants: {
    sync: {
      summary: 'writeSync (and fdatasyncSync if durable) of each line, then the answer',
      handle(ctx, req) {
        const line = ctx.logLine(req);
        writeNow(ctx, line);
        return answer(line);
      },
    },
    async: {
      summary: 'a buffered logger: one write (and flush) per batch, on the threadpool',
      async handle({ log, logLine }, req) {
        const line = logLine(req);
        await log.append(line);
        return answer(line);
      },
    },
  },
});
