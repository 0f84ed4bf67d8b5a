"""/suche/: the search page (template search.html), written by a generator of its own."""

from pelican.generators import Generator


def get_generators(pelican):
    return SearchPageGenerator


class SearchPageGenerator(Generator):
    def generate_output(self, writer):
        save_as = self.settings.get("SEARCH_SAVE_AS")
        if not save_as:
            return
        writer.write_file(
            save_as, self.get_template("search"), self.context, page_name="search",
            relative_urls=self.settings["RELATIVE_URLS"], url=self.settings["SEARCH_URL"],
        )
