-- POST /auth/token (OAuth2 password grant), cycling over the accounts bench-0@example.com … Env: ACCOUNTS, PASSWORD.
local accounts = tonumber(os.getenv("ACCOUNTS"))
local password = os.getenv("PASSWORD"):gsub(" ", "+")
local next_account = nil
request = function()
  -- Drawn on the first request, after init() has seeded this thread's generator.
  next_account = ((next_account or math.random(0, accounts - 1)) + 1) % accounts
  local body = "grant_type=password&username=bench-" .. next_account .. "%40example.com&password=" .. password
  return wrk.format("POST", "/auth/token", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
