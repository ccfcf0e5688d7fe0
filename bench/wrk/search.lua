-- GET /employees?last_name=%nas% (a leading wildcard: the trigram index's case). Env: TOKEN.
local token = os.getenv("TOKEN")
request = function()
  return wrk.format("GET", "/employees?last_name=%25nas%25&limit=20", { ["Authorization"] = "Bearer " .. token })
end
