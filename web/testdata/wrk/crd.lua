-- Posts the CDS Hooks order-sign call of crd's BenchmarkOrderSign200: the
-- Da Vinci CRD sample request with an esketamine and an IV ketamine order
-- and the patient's history in the prefetch. run.sh writes it to the file
-- named by CRD_BODY (go test ./crd -run TestWrkBody -args -wrk-body FILE),
-- since it is made from ../shared, which is never copied into the project.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
local f = assert(io.open(os.getenv("CRD_BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
