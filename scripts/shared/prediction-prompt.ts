/**
 * The lesson's question: asks for a choice's number until it gets one, saying what it takes when
 * an answer is not one of them.
 */
import { createInterface } from 'node:readline/promises';
import type { Prediction } from '../../lessons/engine/types.ts';

/** The choice's index (0-based), or null when input ends (Ctrl-D) before an answer. */
export async function askPrediction(
  p: Pick<Prediction, 'choices'>,
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<number | null> {
  const count = p.choices.length;
  const rl = createInterface({ input, output });
  // In a terminal, readline takes Ctrl-C as a key and only closes. Handed on to the process's
  // own SIGINT listeners (at once, not as a signal that comes later), it stops the lesson as
  // Ctrl-C anywhere else does (exit 130), before anything is measured.
  rl.on('SIGINT', () => {
    rl.close();
    process.emit('SIGINT', 'SIGINT');
  });
  // Lines typed ahead still arrive after the input has ended; Node 24 throws on a prompt then.
  let open = true;
  rl.once('close', () => {
    open = false;
  });
  rl.setPrompt(`Your prediction (1-${count}): `);
  rl.prompt();
  try {
    // The line iterator buffers what was typed ahead; question() would drop it.
    for await (const line of rl) {
      const answer = line.trim();
      const n = Number(answer);
      if (Number.isInteger(n) && n >= 1 && n <= count) return n - 1;
      // An empty line only asks again; anything else is told what is expected.
      if (answer)
        output.write(
          `  "${answer}" is not one of the choices: type a number from 1 to ${count}.\n`,
        );
      if (open) rl.prompt();
    }
    return null;
  } finally {
    rl.close();
  }
}
