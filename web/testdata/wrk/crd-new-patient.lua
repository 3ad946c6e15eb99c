-- The order-sign call of crd.lua, each time for a different patient: the
-- patient's id (its Patient resource, the references to it, the context's
-- patientId, the prefetch URLs and the JWT-free fhirAuthorization
-- "patient") is replaced by one no earlier call used, so that the Patient,
-- Coverage, Conditions, medications, PHQ-9 Observations and the orders all
-- differ byte for byte and the server validates and reads them afresh, as
-- when 200 clinicians sign orders for 200 patients. The body is made from
-- ../shared as for crd.lua (CRD_BODY).
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("CRD_BODY"), "rb"))
local body = f:read("*a")
f:close()
local n = 0
local tag = tostring(math.random(100000, 999999))
request = function()
	n = n + 1
	local id = "p" .. tag .. "x" .. n
	local b = body:gsub('Patient/123"', 'Patient/' .. id .. '"')
	b = b:gsub('"patientId":"123"', '"patientId":"' .. id .. '"')
	b = b:gsub('"patient":"123"', '"patient":"' .. id .. '"')
	b = b:gsub('"id":"123"', '"id":"' .. id .. '"')
	b = b:gsub('patient=123', 'patient=' .. id)
	return wrk.format(nil, nil, nil, b)
end
