-- For `wrk -s rotate.lua URL -- /path/ /other/ ...`: each request asks for the next path in turn.

local paths = {}
local counter = 0

function init(args)
   for i, path in ipairs(args) do
      paths[i] = path
   end
   -- wrk runs one copy of this script per thread: start each at a different place in the list.
   counter = math.random(#paths) - 1
end

function request()
   local path = paths[counter % #paths + 1]
   counter = counter + 1
   return wrk.format("GET", path)
end
