/**
 * Every `weunion` command's words and summary, and how to load it. A command's module (and all it imports: the
 * store, fastify, the emulator…) is loaded only when that command runs or prints its --help, so one command does not
 * pay, in start time and memory, for all the others (`backfill followers` walking a million followers in under
 * 200 MiB: bench/backfill.ts). test/cli/command-table.test.ts checks each row against the command it loads.
 */
import type { CliCommand } from './commands/command.js';

export interface CommandEntry extends Pick<CliCommand, 'name' | 'aliases' | 'summary'> {
  load(): Promise<CliCommand>;
}

export const COMMANDS: readonly CommandEntry[] = [
  {
    name: 'server start',
    aliases: ['start'],
    summary: 'run the service (the sandbox when there is no config file)',
    load: async () => (await import('./commands/server/start.js')).serverStart,
  },
  {
    name: 'emulator start',
    aliases: ['emulator'],
    summary: 'run only the local WeChat emulator',
    load: async () => (await import('./commands/emulator/start.js')).emulatorStart,
  },
  {
    name: 'db migrate',
    aliases: ['migrate'],
    summary: 'apply database migrations to the configured storage',
    load: async () => (await import('./commands/db/migrate.js')).dbMigrate,
  },
  {
    name: 'demo run',
    aliases: ['demo'],
    summary: 'play the mini program story against a sandbox and narrate it',
    load: async () => (await import('./commands/demo/run.js')).demoRun,
  },
  {
    name: 'config init',
    aliases: ['init'],
    summary: 'write a commented weunion.config.json (refuses to overwrite)',
    load: async () => (await import('./commands/config/init.js')).configInit,
  },
  {
    name: 'users find',
    aliases: [],
    summary: 'find the users behind any id (user id, openid, unionid, phone)',
    load: async () => (await import('./commands/users/find.js')).usersFind,
  },
  {
    name: 'users show',
    aliases: [],
    summary: 'show one user: identities, phone, merge timeline',
    load: async () => (await import('./commands/users/show.js')).usersShow,
  },
  {
    name: 'users merge',
    aliases: [],
    summary: 'merge two users by hand (the first survives)',
    load: async () => (await import('./commands/users/merge.js')).usersMerge,
  },
  {
    name: 'users unlink',
    aliases: [],
    summary: 'split an app identity out into a new user',
    load: async () => (await import('./commands/users/unlink.js')).usersUnlink,
  },
  {
    name: 'users erase',
    aliases: [],
    summary: 'erase a person (ids keep resolving to a tombstone)',
    load: async () => (await import('./commands/users/erase.js')).usersErase,
  },
  {
    name: 'events list',
    aliases: [],
    summary: 'print the event feed after a cursor, one JSON line per event',
    load: async () => (await import('./commands/events/list.js')).eventsList,
  },
  {
    name: 'events redeliver',
    aliases: [],
    summary: 'queue webhook deliveries again: one event, or a time range',
    load: async () => (await import('./commands/events/redeliver.js')).eventsRedeliver,
  },
  {
    name: 'events enable-endpoint',
    aliases: [],
    summary: 'enable a webhook endpoint its receiver disabled (410 Gone)',
    load: async () => (await import('./commands/events/enable-endpoint.js')).eventsEnableEndpoint,
  },
  {
    name: 'admin key',
    aliases: [],
    summary: 'mint an admin API key and print its hashed config entry',
    load: async () => (await import('./commands/admin/key.js')).adminKey,
  },
  {
    name: 'sessions revoke',
    aliases: [],
    summary: "revoke all of a user's sessions (sign them out everywhere)",
    load: async () => (await import('./commands/sessions/revoke.js')).sessionsRevoke,
  },
  {
    name: 'keys rotate',
    aliases: [],
    summary: 'add a new session signing key and make it the active one',
    load: async () => (await import('./commands/keys/rotate.js')).keysRotate,
  },
  {
    name: 'keys list',
    aliases: [],
    summary: 'list the session signing keys (kid, created, active or retired)',
    load: async () => (await import('./commands/keys/list.js')).keysList,
  },
  {
    name: 'data import',
    aliases: ['import'],
    summary: 'import existing users (appid, openid, unionid?, userId?) from JSON Lines or CSV',
    load: async () => (await import('./commands/data/import.js')).dataImport,
  },
  {
    name: 'backfill followers',
    aliases: [],
    summary: "walk an official account's followers and link every unionid found",
    load: async () => (await import('./commands/backfill/followers.js')).backfillFollowersCommand,
  },
  {
    name: 'apps bind',
    aliases: [],
    summary: 'the binding wave: re-resolve an app’s openid-only users once it is bound to a union',
    load: async () => (await import('./commands/apps/bind.js')).appsBind,
  },
  {
    name: 'doctor',
    aliases: [],
    summary: 'explain why a unionid is missing, for the apps and for one person (en/zh)',
    load: async () => (await import('./commands/doctor/diagnose.js')).doctor,
  },
];
