import { GetParameterCommand, type SSMClient } from "@aws-sdk/client-ssm";

/** A parameter as moto holds it (decrypted), or `undefined` when it does not exist. */
export async function stored(
  ssm: SSMClient,
  name: string,
): Promise<{ value: string; type: string; version: number } | undefined> {
  try {
    const { Parameter } = await ssm.send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    return {
      value: Parameter?.Value ?? "",
      type: Parameter?.Type ?? "",
      version: Parameter?.Version ?? 0,
    };
  } catch (error) {
    if ((error as { name?: string }).name === "ParameterNotFound") return undefined;
    throw error;
  }
}
