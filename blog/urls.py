from django.urls import path

from blog import feeds, views

app_name = "blog"

urlpatterns = [
    path("", views.home, name="home"),
    path("articles/<slug:slug>/", views.article, name="article"),
    path("live/<int:pk>/<int:start>/", views.live_range, name="live_range"),
    path("category/<slug:slug>/", views.category, name="category"),
    path("category/<slug:slug>/feed/", feeds.CategoryFeed(), name="category_feed"),
    path("tag/", views.tag_index, name="tag_index"),
    path("tag/<slug:slug>/", views.tag, name="tag"),
    path("tag/<slug:slug>/feed/", feeds.TagFeed(), name="tag_feed"),
    path("author/<slug:slug>/", views.author, name="author"),
    path("author/<slug:slug>/feed/", feeds.AuthorFeed(), name="author_feed"),
    path("archive/", views.archive_index, name="archive_index"),
    path("archive/<int:year>/", views.archive_year, name="archive_year"),
    path("archive/<int:year>/<int:month>/", views.archive, name="archive"),
    path("search/", views.search, name="search"),
    path("read/", views.count_read, name="count_read"),
    path("corrections/", views.corrections, name="corrections"),
    path("corrections/feed/", feeds.CorrectionsFeed(), name="corrections_feed"),
    path("corrections/feed/atom/", feeds.CorrectionsAtomFeed(), name="corrections_atom_feed"),
    path("most-read/", views.most_read_page, name="most_read"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
    path("feed/atom/", feeds.LatestArticlesAtomFeed(), name="atom_feed"),
]
