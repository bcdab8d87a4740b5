import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/**
 * The Lua scripts of Celery 5.7's Redis chord counter (C:celery/backends/redis.py), same keys, same arguments, same
 * logic, so Python 5.7 workers and ours can return parts of the SAME chord.
 *
 * Chord part return. KEYS: `.j` (results: ZSET scored by group_index, or a list), `.t` (extra size from
 * `add_to_chord`), `.s` (chord size), `.d` (set of `<task id>:<score>` already counted), the saved group key, `.c`
 * (dispatch claim / `done` marker). ARGV: task id, encoded `[1, id, state, result]`, ordered `1`/`0`, score
 * (group_index or `+inf`), expires, group expires, claim expires, claim token.
 * Returns `{readycount, totaldiff, size, claimed}`, or `{-1, 0, 0, 0}` once the chord is done.
 */
export const CHORD_PART_RETURN_SCRIPT = `
local jkey, tkey, skey, dkey, gkey, ckey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local tid, value, ordered, score = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local expires, group_expires = tonumber(ARGV[5]), tonumber(ARGV[6])
local claim_expires, claim_token = tonumber(ARGV[7]), ARGV[8]

if redis.call('GET', ckey) == 'done' then
  return {-1, 0, 0, 0}
end

-- A part counts once per (task id, header index), whatever it returned when run again.
local member = tid .. ':' .. score
if redis.call('SISMEMBER', dkey, member) == 0 then
  if ordered == '1' then
    redis.call('ZADD', jkey, score, value)
  else
    redis.call('RPUSH', jkey, value)
  end
  redis.call('SADD', dkey, member)
end

local readycount
if ordered == '1' then
  readycount = redis.call('ZCOUNT', jkey, '-inf', '+inf')
else
  readycount = redis.call('LLEN', jkey)
end

if expires > 0 then
  for _, key in ipairs({jkey, tkey, skey, dkey}) do
    redis.call('EXPIRE', key, expires)
  end
  if group_expires > 0 then
    redis.call('EXPIRE', gkey, group_expires)
  end
end

local totaldiff = redis.call('GET', tkey)
local size = redis.call('GET', skey)
local claimed = 0
if size and readycount == tonumber(size) + tonumber(totaldiff or 0) then
  if redis.call('SET', ckey, claim_token, 'NX', 'EX', claim_expires) then
    claimed = 1
  end
end
return {readycount, totaldiff, size, claimed}
`;

/** Releases the claim and deletes the chord data if the token still owns it, leaving a `done` marker. KEYS: `.c .j .t .s .d`; ARGV: token, done-marker expiry. */
export const CHORD_CLEANUP_SCRIPT = `
local ckey, jkey, tkey, skey, dkey = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local token, done_expires = ARGV[1], tonumber(ARGV[2])
if redis.call('GET', ckey) == token then
  redis.call('DEL', jkey, tkey, skey, dkey)
  if done_expires and done_expires > 0 then
    redis.call('SET', ckey, 'done', 'EX', done_expires)
  end
  return 1
end
return 0
`;

/** Extends the dispatch claim while we own it, or takes it back when it expired and the chord data remain. KEYS: `.c .s`; ARGV: token, seconds. */
export const CHORD_CLAIM_EXTEND_SCRIPT = `
local ckey, skey = KEYS[1], KEYS[2]
local token, expires = ARGV[1], tonumber(ARGV[2])
if redis.call('GET', ckey) == token then
  return redis.call('EXPIRE', ckey, expires)
end
if not redis.call('GET', ckey) and redis.call('EXISTS', skey) == 1 then
  return redis.call('SET', ckey, token, 'EX', expires, 'NX') and 1 or 0
end
return 0
`;

const shas = new Map<string, string>();

/** Runs a script by EVALSHA, loading it with EVAL when the server does not have it (as redis-py's `Script` does). */
export async function runRedisScript(redis: Redis, script: string, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash("sha1").update(script).digest("hex");
    shas.set(script, sha);
  }
  try {
    return await redis.evalsha(sha, keys.length, ...keys, ...args);
  } catch (error) {
    if (!(error instanceof Error) || !error.message.startsWith("NOSCRIPT")) throw error;
    return redis.eval(script, keys.length, ...keys, ...args);
  }
}
