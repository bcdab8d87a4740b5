/**
 * Celery's `_store_result` on Redis as one script: the GET that keeps a stored SUCCESS, then SETEX (SET when the
 * expiry is 0) and PUBLISH. KEYS: the meta key; ARGV: the meta text, the expiry (s). Returns 1 stored, 0 SUCCESS kept,
 * -1 nothing done as cjson cannot decode the stored text (e.g. a lone surrogate escape): the caller decides instead.
 */
export const STORE_RESULT_SCRIPT = `
local current = redis.call('GET', KEYS[1])
if current and current ~= '' then
  local decoded, meta = pcall(cjson.decode, current)
  if not decoded then
    return -1
  end
  if type(meta) == 'table' and meta['status'] == 'SUCCESS' then
    return 0
  end
end
local expires = tonumber(ARGV[2])
if expires > 0 then
  redis.call('SETEX', KEYS[1], expires, ARGV[1])
else
  redis.call('SET', KEYS[1], ARGV[1])
end
redis.call('PUBLISH', KEYS[1], ARGV[1])
return 1
`;
