import { defineConfig } from "vite";

// Served by the API at /explorer (app/main.py mounts dist/ there); `npm run dev` proxies the
// API so the page can be worked on with hot reload against a running `make run`.
export default defineConfig({
  base: "/explorer/",
  build: { outDir: "dist", emptyOutDir: true, chunkSizeWarningLimit: 1200 },
  server: {
    proxy: { "/v1": process.env.TKG_API ?? "http://127.0.0.1:8000" },
  },
});
