"""The peer crawler of `scripts/bench pipeline`: follows every link from the seeds, staying on the seeds' host:port
pairs, and records one item per page. Concurrency, delay and robots.txt come from `-s` settings on the command line.

    scrapy runspider crawl_spider.py -a seeds=URL[,URL...] -a stats=FILE -s CONCURRENT_REQUESTS=64 ...

When the crawl ends, Scrapy's own stats (item_scraped_count, downloader/request_count, elapsed_time_seconds, ...)
are written to FILE as JSON.
"""
import json
from datetime import datetime
from urllib.parse import urlsplit

import scrapy


class BenchSpider(scrapy.Spider):
    name = "bench"

    def __init__(self, seeds, stats, **kwargs):
        super().__init__(**kwargs)
        self.start_urls = seeds.split(",")
        self.hosts = {urlsplit(u).netloc for u in self.start_urls}
        self.stats_file = stats

    def start_requests(self):
        # Through the duplicate filter like every other request (Scrapy's default lets seeds bypass it), so a link
        # back to a seed is not fetched a second time.
        for url in self.start_urls:
            yield scrapy.Request(url, callback=self.parse)

    def parse(self, response):
        yield {"url": response.url}
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if urlsplit(url).netloc in self.hosts:
                yield scrapy.Request(url, callback=self.parse)

    def closed(self, reason):
        stats = self.crawler.stats.get_stats()
        if "elapsed_time_seconds" not in stats:  # CoreStats sets it on spider_closed, normally before this runs
            stats["elapsed_time_seconds"] = (datetime.utcnow() - stats["start_time"]).total_seconds()
        stats["finish_reason"] = reason
        with open(self.stats_file, "w") as f:
            json.dump(stats, f, default=str)
