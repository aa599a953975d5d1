"""Consultation columns (政务咨询类栏目) and their letters (信件), for 互动回应差.

- :mod:`crawler.interaction.settings`: the profile's ``[letters]`` table;
- :mod:`crawler.interaction.pages`: letters read from list and detail pages (Hanweb, generic);
- :mod:`crawler.interaction.forms`: whether a column's form to write a letter can be seen;
- :mod:`crawler.interaction.items` and :mod:`crawler.interaction.store`: what the ``letters``
  spider yields and how it is kept (:mod:`crawler.interaction.pipelines`).
"""
