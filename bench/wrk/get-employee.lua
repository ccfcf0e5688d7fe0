-- GET /employees/{random emp_no} with a bearer token. Env: TOKEN, FIRST, LAST (the emp_no range).
local token = os.getenv("TOKEN")
local first = tonumber(os.getenv("FIRST"))
local last = tonumber(os.getenv("LAST"))
request = function()
  return wrk.format("GET", "/employees/" .. math.random(first, last), { ["Authorization"] = "Bearer " .. token })
end
