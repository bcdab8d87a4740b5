/**
 * Celery's `_store_result` on Redis in one round trip: the GET that keeps a stored SUCCESS (C:celery/backends/base.py
 * `BaseKeyValueStoreBackend._store_result`), then `set` (C:celery/backends/redis.py: SETEX, or SET when the expiry is
 * 0, and PUBLISH of the same text). Python does the GET and the MULTI/EXEC as two round trips; as one script the
 * worker's result reaches a waiting client one round trip sooner, and no other write can come between them.
 *
 * KEYS: the task meta key. ARGV: the encoded meta, the expiry in seconds (0 = none).
 * Returns 1 when stored, 0 when a SUCCESS is already stored, and -1 (nothing written) when the stored text is not
 * JSON that Redis's cjson decodes (a lone surrogate escape such as `"\ud800"`, which Python's json writes and reads;
 * nesting deeper than cjson's limit): the caller then decides with the kombu JSON decoder.
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
