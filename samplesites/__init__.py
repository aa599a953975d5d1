"""Sample sites on 127.0.0.1: a Hanweb-style portal and a TRS-style disclosure platform.

They serve generated but realistic pages, for the test suite and for the end-to-end demo, and
are the worked example a newcomer reads before writing a site profile for a real portal.
"""
