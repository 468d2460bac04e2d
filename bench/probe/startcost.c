/*
 * Process start+exit cost of LD_PRELOAD libraries: spawns PROG N times per configuration, the configurations in
 * rotating order, and prints per configuration the median CPU time (user+system from wait4) and minor page faults
 * of the child. Page faults are counted exactly and do not depend on the machine's load; CPU time does a little.
 *   startcost N PROG CONFIG...      CONFIG = "-" (no LD_PRELOAD) | LIB | LIB,RING (LD_PRELOAD=LIB TETHER_CHANNEL=RING)
 * Used for the before/after table of bench/reports/probe.md (old and new probe built side by side).
 */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
extern char **environ;
static int cmp(const void*a,const void*b){long long x=*(long long*)a,y=*(long long*)b;return (x>y)-(x<y);}
/* drv N PROG preload1[,chan1] preload2[,chan2] ... ; "-" = none */
int main(int argc,char**argv){int n=atoi(argv[1]);const char*prog=argv[2];int k=argc-3;
 long long *t=calloc((size_t)n*k,8); long long *f=calloc((size_t)n*k,8);
 for(int i=0;i<n;i++)for(int j0=0;j0<k;j0++){int j=(i+j0)%k;char pre[512],ch[512];char*envp[4];int e=0;
  char spec[512];strcpy(spec,argv[3+j]);char*c=strchr(spec,',');if(c){*c=0;snprintf(ch,sizeof ch,"TETHER_CHANNEL=%s",c+1);}
  if(strcmp(spec,"-")){snprintf(pre,sizeof pre,"LD_PRELOAD=%s",spec);envp[e++]=pre;} if(c)envp[e++]=ch; envp[e]=0;
  char*av[]={(char*)prog,0};pid_t p;posix_spawn(&p,prog,0,0,av,envp);int st;struct rusage ru;wait4(p,&st,0,&ru);
  t[j*n+i]=(ru.ru_utime.tv_sec+ru.ru_stime.tv_sec)*1000000000LL+(ru.ru_utime.tv_usec+ru.ru_stime.tv_usec)*1000LL; f[j*n+i]=ru.ru_minflt;}
 for(int j=0;j<k;j++){qsort(t+j*n,n,8,cmp);qsort(f+j*n,n,8,cmp);printf("%-50s cpu median %7.1f us  p25 %7.1f p75 %7.1f  minflt %lld\n",argv[3+j],t[j*n+n/2]/1e3,t[j*n+n/4]/1e3,t[j*n+3*n/4]/1e3,f[j*n+n/2]);}
}
