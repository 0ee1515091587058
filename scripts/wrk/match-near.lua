-- wrk script: POST benches/matcher.rs's near_unbounded project (the 30 km one with no limit:
-- the distance only scores) to /api/v1/match.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"industry": "医药健康", "space": "land", "land_area_mu": {"min": 30, "max": 120}, "land_use": ["M1", "M4"], "near": {"lon": 116.5, "lat": 39.9}, "as_of": "2026-11-23"}'
