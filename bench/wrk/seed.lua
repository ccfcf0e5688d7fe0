-- Gives each wrk thread its own random sequence: seeded alike, both threads would ask for the same ids at the same
-- moment (PATCHes would conflict with each other, and reads would hit the same rows twice).
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("thread_number", threads)
end
function init(args)
  math.randomseed(os.time() * 1000 + (thread_number or 0))
end
