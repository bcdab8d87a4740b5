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
 * A BRPOP that does not block and takes up to ARGV[1] messages: RPOP (with a count) from each key in BRPOP's key
 * order (priority step, then queue cycle) until the count is reached. kombu takes one message per BRPOP round trip; this is the same
 * order in one round trip for a prefetch window's worth.
 *
 * With ARGV[3] = "1" each popped envelope is recorded as kombu's `QoS.append` records it (`ZADD unacked_index ARGV[2]
 * <tag>`, `HSET unacked <tag> [envelope, exchange, routing_key]`) in the same script, so a reply lost with the
 * connection leaves the messages in `unacked`, where the consumer finds them again by that score, instead of nowhere.
 * Only envelopes whose tag, exchange and routing key are printable ASCII without quote or backslash are recorded here
 * (their JSON is the quoted text, as Python's `json.dumps` writes it); the caller records the rest. The records of
 * one call go out as one ZADD and one HSET of many members: a command per message cost Redis more than the pops.
 * KEYS: unacked, unacked_index, then the lists. Returns a flat list `key1, item1, tag1, key2, ...` where the tag is
 * the recorded delivery tag or nil (Lua `false`) if the envelope was not recorded: "" is a tag kombu records like any
 * other string.
 */
export const POP_MANY = `
local want = tonumber(ARGV[1])
local record = ARGV[3] == '1'
local function plain(s)
  return type(s) == 'string' and not string.find(s, '[%c"\\\\\\128-\\255]')
end
local function recordable(item)
  local ok, message = pcall(cjson.decode, item)
  if not ok or type(message) ~= 'table' then return nil end
  local properties = message['properties']
  if type(properties) ~= 'table' then return nil end
  local tag, info = properties['delivery_tag'], properties['delivery_info']
  if not plain(tag) or type(info) ~= 'table' then return nil end
  local exchange, routing_key = info['exchange'] or '', info['routing_key'] or ''
  if not plain(exchange) or not plain(routing_key) then return nil end
  return tag, '[' .. item .. ', "' .. exchange .. '", "' .. routing_key .. '"]'
end
local out = {}
local scored, fields = {}, {}
local got = 0
for i = 3, #KEYS do
  if got >= want then break end
  local items = redis.call('RPOP', KEYS[i], want - got)
  if items then
    for n = 1, #items do
      local item = items[n]
      local tag, value = nil, nil
      if record then tag, value = recordable(item) end
      if tag then
        scored[#scored + 1] = ARGV[2]
        scored[#scored + 1] = tag
        fields[#fields + 1] = tag
        fields[#fields + 1] = value
      end
      out[#out + 1] = KEYS[i]
      out[#out + 1] = item
      out[#out + 1] = tag or false
    end
    got = got + #items
  end
end
if #scored > 0 then
  redis.call('ZADD', KEYS[2], unpack(scored))
  redis.call('HSET', KEYS[1], unpack(fields))
end
return out
`;
