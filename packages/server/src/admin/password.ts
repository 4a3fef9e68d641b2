/**
 * Reads a new password: from a terminal, prompted on stderr with echo off and asked twice; from a
 * pipe or file, the whole of standard input (one line, its newline removed). Never from a flag:
 * the command line is visible to every local user and kept in shell history.
 */
import { StringDecoder } from 'node:string_decoder';
import type { AdminStdin, TextSink } from './command.js';
import { AdminError, EXIT_CODES, InterruptedError, UsageError } from './errors.js';

/** The longest password the sign-in page accepts. */
export const MAX_PASSWORD_LENGTH = 1024;

/**
 * The new password for `account` (named in the prompt).
 * @throws {UsageError} when standard input is empty or holds more than one line.
 * @throws {InterruptedError} on Ctrl-C at the prompt.
 * @throws {AdminError} when the two entries differ or the password is too long.
 */
export async function readNewPassword(stdin: AdminStdin, stderr: TextSink, account: string): Promise<string> {
  let password: string;
  if (stdin.isTTY === true && stdin.setRawMode !== undefined) {
    password = await prompt(stdin, stderr, `New password for ${account}: `);
    if (password === '') throw new UsageError('the password must not be empty');
    const again = await prompt(stdin, stderr, 'Repeat it: ');
    if (again !== password) throw new AdminError('the two passwords differ; nothing changed', EXIT_CODES.runtime);
  } else {
    password = await readAll(stdin);
    if (password === '') {
      throw new UsageError(
        `no password on standard input: pipe it (printf '%s' "$PASSWORD" | devicelogin-admin …) or run on a terminal to be prompted`,
      );
    }
    if (/[\r\n]/.test(password)) throw new UsageError('standard input must hold the password on one line');
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new UsageError(`the password is longer than ${MAX_PASSWORD_LENGTH} characters (the sign-in page refuses it)`);
  }
  return password;
}

/** All of a non-terminal stdin, without one trailing newline. */
async function readAll(stdin: AdminStdin): Promise<string> {
  const decoder = new StringDecoder('utf8');
  let text = '';
  for await (const chunk of stdin) text += typeof chunk === 'string' ? chunk : decoder.write(chunk);
  text += decoder.end();
  return text.replace(/\r?\n$/, '');
}

/** One line typed at a terminal in raw mode: nothing echoed, backspace edits, Ctrl-C aborts. */
function prompt(stdin: AdminStdin, stderr: TextSink, question: string): Promise<string> {
  stderr.write(question);
  const decoder = new StringDecoder('utf8');
  let typed = '';
  return new Promise<string>((resolve, reject) => {
    const finish = (error: Error | undefined): void => {
      stdin.removeListener('data', onData);
      stdin.removeListener('end', onEnd);
      stdin.setRawMode?.(false);
      stdin.pause();
      stderr.write('\n');
      if (error === undefined) resolve(typed);
      else reject(error);
    };
    const onEnd = (): void => finish(undefined);
    const onData = (chunk: string | Buffer): void => {
      const text = typeof chunk === 'string' ? chunk : decoder.write(chunk);
      for (const char of text) {
        if (char === '\r' || char === '\n') return finish(undefined);
        if (char === '\u0003') return finish(new InterruptedError());
        if (char === '\u0004') return finish(typed === '' ? new InterruptedError() : undefined);
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else if (char === '\u001b')
          return; // an escape sequence (arrow keys): ignore the rest of the chunk
        else if (char >= ' ') typed += char;
      }
    };
    stdin.setRawMode?.(true);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.resume();
  });
}
