"""Open datasets: postcode gazetteer, place names, venue datasets and their validation."""
