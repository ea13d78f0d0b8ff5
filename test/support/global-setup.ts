import type { TestProject } from "vitest/node";
import { findMotoServer, type MotoServer, startMoto } from "./moto-server.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** moto's endpoint, or "" when integration tests are skipped. */
    motoEndpoint: string;
  }
}

let server: MotoServer | undefined;

/**
 * Starts one moto_server for the whole run (or uses MOTO_ENDPOINT when set). In CI a missing
 * moto_server fails the run; elsewhere the integration tests skip, and this says so once.
 */
export async function setup(project: TestProject): Promise<void> {
  // .ci/run starts moto itself and says where; a developer's run starts its own.
  const given = process.env.MOTO_ENDPOINT;
  if (given) {
    project.provide("motoEndpoint", given);
    return;
  }
  if (!findMotoServer()) {
    if (process.env.CI === "true" || process.env.CI === "1") {
      throw new Error(
        "CI=true but moto_server is not on PATH: install moto[server] (pip install 'moto[server]').",
      );
    }
    console.warn(
      "\n!!! moto_server not found on PATH: SKIPPING every integration test. Install it with pip install 'moto[server]'.\n",
    );
    project.provide("motoEndpoint", "");
    return;
  }
  server = await startMoto();
  project.provide("motoEndpoint", server.endpoint);
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
