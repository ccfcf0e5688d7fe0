-- POST /auth/token (OAuth2 password grant). Env: USERNAME, PASSWORD.
local body = "grant_type=password&username=" .. os.getenv("USERNAME") .. "&password=" .. os.getenv("PASSWORD")
request = function()
  return wrk.format("POST", "/auth/token", { ["Content-Type"] = "application/x-www-form-urlencoded" }, body)
end
