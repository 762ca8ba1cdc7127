"""Local fake servers (aiohttp on 127.0.0.1, random port) standing in for the bot APIs."""
