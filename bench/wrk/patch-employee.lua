-- PATCH /employees/{random emp_no} changing the first name. Env: TOKEN, FIRST, LAST.
local token = os.getenv("TOKEN")
local first = tonumber(os.getenv("FIRST"))
local last = tonumber(os.getenv("LAST"))
local names = { "Georgi", "Bezalel", "Parto", "Chirstian", "Kyoichi", "Anneke", "Tzvetan", "Saniya" }
request = function()
  local body = '{"first_name":"' .. names[math.random(1, #names)] .. '"}'
  return wrk.format("PATCH", "/employees/" .. math.random(first, last),
    { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" }, body)
end
