/**
 * Lua used where kombu needs a transaction that a shared ioredis connection cannot hold with WATCH.
 * Each has the same effect on Redis as the kombu code it names.
 */

/**
 * kombu `QoS.restore_by_tag` (WATCH unacked; HGET; MULTI; ZREM unacked_index; HDEL unacked; L/RPUSH each list; EXEC)
 * as a compare-and-set: it only runs if the hash value is still the one the caller read (else returns 0 and the caller
 * reads again, as redis-py's `transaction()` retries on WatchError).
 * KEYS: unacked, unacked_index, target lists... ARGV: tag, expected value, "1" if a value was read, "L"|"R", payload.
 */
export const RESTORE_BY_TAG = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
if ARGV[3] == '1' then
  if current ~= ARGV[2] then return 0 end
elseif current then
  return 0
end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[1], ARGV[1])
for i = 3, #KEYS do
  if ARGV[4] == 'L' then redis.call('LPUSH', KEYS[i], ARGV[5]) else redis.call('RPUSH', KEYS[i], ARGV[5]) end
end
return 1
`;

/** redis-py `Lock.release` (LUA_RELEASE_SCRIPT): delete the lock only if it still holds our token. */
export const RELEASE_LOCK = `
local token = redis.call('get', KEYS[1])
if not token or token ~= ARGV[1] then
  return 0
end
redis.call('del', KEYS[1])
return 1
`;

/** kombu 5.7 `REFRESH_BINDING`, verbatim in effect: SADD the member, raise the exchange's deadline (server clock). */
export const REFRESH_BINDING = `
redis.call('SADD', KEYS[1], ARGV[1])
local now = redis.call('TIME')
local ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZADD', KEYS[2], 'GT', ms + tonumber(ARGV[3]), ARGV[2])
`;

/**
 * A BRPOP that does not block and takes up to ARGV[1] messages: RPOP from each key in BRPOP's key order (priority
 * step, then queue cycle) until the count is reached. Returns a flat list `key1, item1, key2, item2, ...`. kombu
 * takes one message per BRPOP round trip; this is the same order in one round trip for a prefetch window's worth.
 */
export const POP_MANY = `
local want = tonumber(ARGV[1])
local out = {}
local got = 0
for i = 1, #KEYS do
  while got < want do
    local item = redis.call('RPOP', KEYS[i])
    if not item then break end
    out[#out + 1] = KEYS[i]
    out[#out + 1] = item
    got = got + 1
  end
  if got >= want then break end
end
return out
`;
