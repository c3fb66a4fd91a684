"""
Django's Redis cache, with one redis-py client per connection pool for the life of the process.

Django's own makes a new client for every cache call, and redis-py builds each client's table of
response callbacks anew: about a quarter of a millisecond of CPU a call, more than the call itself,
which a page rendered afresh pays for each of its cache calls (a search: its answer looked up and
stored). A client is safe to share between threads (each command takes a connection from the pool),
and the pool is made anew after a fork, as before.
"""

from django.core.cache.backends import redis


class RedisCacheClient(redis.RedisCacheClient):
    def __init__(self, servers, **options):
        super().__init__(servers, **options)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class RedisCache(redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
