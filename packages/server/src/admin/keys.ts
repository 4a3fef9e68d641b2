/**
 * `devicelogin-admin keys …`: rotate the token signing key, list keys. Rotation adds a key and
 * retires the previous one, which stays in JWKS so tokens it signed still verify. A running server
 * caches its keys: restart every instance after a rotation so they sign with the new key and
 * publish it.
 */
import { SigningKeys } from '../tokens/signing-keys.js';
import { defineCommand, isoTime, type CommandGroup, type Column } from './command.js';

/** A signing key as listed: never its private part. */
export interface KeyView {
  readonly kid: string;
  readonly alg: string;
  readonly createdAt: string;
  readonly retiredAt: string | null;
  /** `signing`: the newest live key; `live`: not retired, older; `retired`: in JWKS only. */
  readonly status: 'signing' | 'live' | 'retired';
}

const COLUMNS: readonly Column<KeyView>[] = [
  { header: 'KID', value: (k) => k.kid },
  { header: 'ALG', value: (k) => k.alg },
  { header: 'STATUS', value: (k) => k.status },
  { header: 'CREATED', value: (k) => k.createdAt },
  { header: 'RETIRED', value: (k) => k.retiredAt ?? '-' },
];

/** `keys rotate`. */
export const keysRotate = defineCommand<Record<string, never>>({
  name: 'rotate',
  summary: 'add a signing key and retire the current one (kept in JWKS)',
  synopsis: '',
  options: {},
  optionHelp: [],
  examples: ['devicelogin-admin keys rotate --config server.json', 'devicelogin-admin keys rotate --json'],
  parse: () => ({}),
  async run(_options, context) {
    const before = (await context.store.signingKeys()).filter((k) => k.retiredAt === undefined).map((k) => k.kid);
    const kid = await new SigningKeys(context.store, context.clock).rotate();
    const after = await context.store.signingKeys();
    const retired = before.filter((old) => after.some((k) => k.kid === old && k.retiredAt !== undefined));
    context.out.message(
      `New signing key ${kid}${retired.length === 0 ? '' : `; retired ${retired.join(', ')} (still published in JWKS)`}. ` +
        'Restart the server instances so they sign with it.',
    );
    context.out.result({ kid, retired });
  },
});

/** `keys list`. */
export const keysList = defineCommand<Record<string, never>>({
  name: 'list',
  summary: 'list signing keys, newest first (public information only)',
  synopsis: '',
  options: {},
  optionHelp: [],
  examples: ['devicelogin-admin keys list', 'devicelogin-admin keys list --json'],
  parse: () => ({}),
  async run(_options, context) {
    const keys = await context.store.signingKeys();
    const signing = keys.find((k) => k.retiredAt === undefined)?.kid;
    const rows = keys.map((k): KeyView => ({
      kid: k.kid,
      alg: k.alg,
      createdAt: isoTime(k.createdAt),
      retiredAt: k.retiredAt === undefined ? null : isoTime(k.retiredAt),
      status: k.retiredAt !== undefined ? 'retired' : k.kid === signing ? 'signing' : 'live',
    }));
    context.out.list(rows, COLUMNS);
  },
});

/** The `keys` group. */
export const keysGroup: CommandGroup = {
  name: 'keys',
  summary: 'rotate and list token signing keys',
  commands: [keysRotate, keysList],
};
