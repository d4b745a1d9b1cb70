"""The scraper room: the Scrapy project that finds and fetches reports, and the PDF parser."""
