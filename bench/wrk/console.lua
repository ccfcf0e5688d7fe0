-- One fixed GET, as a browser (session cookie, Accept: text/html) or as an API client (bearer token, JSON).
-- Env: BENCH_PATH; COOKIE for a browser, TOKEN for an API client.
local path = os.getenv("BENCH_PATH")
local cookie = os.getenv("COOKIE")
local headers
if cookie and cookie ~= "" then
  headers = { ["Cookie"] = cookie, ["Accept"] = "text/html" }
else
  headers = { ["Authorization"] = "Bearer " .. os.getenv("TOKEN"), ["Accept"] = "application/json" }
end
request = function()
  return wrk.format("GET", path, headers)
end
