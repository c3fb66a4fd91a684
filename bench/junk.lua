-- For `wrk -s junk.lua URL -- PATH COUNT START`: PATH with a query string of junk no page knows,
-- a different one for each request (?junkN=N), COUNT of them from number START; then the thread stops.
-- Run with one thread (-t1), so the numbers are distinct.

local path, count, number, last = "/", 0, 0, 0

function init(args)
   path = args[1]
   count = tonumber(args[2])
   number = tonumber(args[3] or "0")
   last = number + count
end

function request()
   number = number + 1
   return wrk.format("GET", string.format("%s?junk%d=%d", path, number, number))
end

function response(status, headers, body)
   if number >= last then
      wrk.thread:stop()
   end
end
