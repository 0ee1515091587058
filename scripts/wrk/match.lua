-- wrk script: POST the typical project of benches/matcher.rs to /api/v1/match.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"name": "bench", "industry": "医疗器械", "space": "land", "land_area_mu": {"min": 30, "max": 80}, "land_use": ["M1", "M4"], "floor_area_m2": 30000, "investment_wan": 50000, "as_of": "2026-11-23"}'
