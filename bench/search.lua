-- For `wrk -s search.lua URL -- WORD...`: searches of two random words from the list and a number that
-- grows by one each time, from a random start, so that no search is answered from the search cache;
-- prints "status N count" for each status seen (200 answered, 429 refused by nginx's limit).

local words = {}
local threads = {}
local number = 0
-- A global, so that done() can read each thread's with thread:get().
counts = {}

function setup(thread)
   table.insert(threads, thread)
end

function init(args)
   for i, word in ipairs(args) do
      words[i] = word
   end
   math.randomseed(os.time() + #tostring({}))
   number = math.random(1000000000)
end

function request()
   number = number + 1
   local q = words[math.random(#words)] .. "+" .. words[math.random(#words)] .. "+" .. number
   return wrk.format("GET", "/search/?q=" .. q)
end

function response(status, headers, body)
   counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
   local total = {}
   for _, thread in ipairs(threads) do
      for status, count in pairs(thread:get("counts")) do
         total[status] = (total[status] or 0) + count
      end
   end
   for status, count in pairs(total) do
      io.write(string.format("status %d %d\n", status, count))
   end
end
