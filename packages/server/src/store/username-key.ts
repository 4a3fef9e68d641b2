/**
 * The lookup key of a username: usernames are matched case-insensitively (`Alice` and `alice`
 * are one account in a tenant) while the stored `username` keeps the spelling it was created
 * with. Unicode-aware (NFC, then locale-independent lower case), unlike SQL `NOCASE`/`lower()`
 * which only fold ASCII in SQLite; every backend stores and compares this key so they agree.
 *
 * @example usernameKey('Ålice@Contoso') === usernameKey('ålice@contoso')
 */
export function usernameKey(username: string): string {
  return username.normalize('NFC').toLowerCase();
}
