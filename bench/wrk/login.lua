-- POST /auth/token (OAuth2 password grant), cycling over the accounts bench-0@example.com … Env: ACCOUNTS, PASSWORD.
local accounts = tonumber(os.getenv("ACCOUNTS"))
local password = os.getenv("PASSWORD"):gsub(" ", "+")
local next_account = math.random(0, accounts - 1)
request = function()
  next_account = (next_account + 1) % accounts
  local body = "grant_type=password&username=bench-" .. next_account .. "%40example.com&password=" .. password
  return wrk.format("POST", "/auth/token", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
